package io.codegenstreams.serde;

/** The payload does not start with the Confluent wire format's magic byte 0: it was not written by an Avro serde. */
public class UnknownMagicByteException extends SerdeException {
  private static final long serialVersionUID = 1L;

  public UnknownMagicByteException(String message) {
    super(message);
  }
}
