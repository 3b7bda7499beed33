package io.codegenstreams.serde;

/** The schema id, or the schema under a subject, is not in the registry (error code 40403). */
public class SchemaNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int ERROR_CODE = 40403;

  public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }

  public SchemaNotFoundException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
