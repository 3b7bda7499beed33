package io.codegenstreams.serde;

/**
 * A schema registry answered with an error, or could not be reached.
 *
 * <p>{@link #httpStatus()} and {@link #errorCode()} are the registry's HTTP status and its {@code error_code}
 * (Confluent's codes, for example 40401 subject not found, 42201 invalid schema, 50001 store error). A registry that
 * could not be reached at all has status and code {@code -1}. Connection failures and 5xx answers are
 * {@linkplain #retriable() retriable}; 4xx answers are not.
 */
public class SchemaRegistryException extends SerdeException {
  private static final long serialVersionUID = 1L;

  /** HTTP status and error code used when no HTTP answer was received. */
  public static final int NO_RESPONSE = -1;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, null);
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  @Override
  public boolean retriable() {
    return httpStatus == NO_RESPONSE || httpStatus >= 500;
  }
}
