package io.codegenstreams.serde;

/** The payload is truncated or its Avro body does not match the writer schema named by its schema id. */
public class MalformedPayloadException extends SerdeException {
  private static final long serialVersionUID = 1L;

  public MalformedPayloadException(String message) {
    super(message);
  }

  public MalformedPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
