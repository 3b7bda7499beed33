package io.codegenstreams.embedded;

/** Root of the embedded runtime's exceptions: the broker, registry or topics could not be brought up. */
public class EmbeddedRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddedRuntimeException(String message) {
    super(message);
  }

  public EmbeddedRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
