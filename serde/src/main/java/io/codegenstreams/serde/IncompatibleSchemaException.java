package io.codegenstreams.serde;

/** The schema breaks the subject's compatibility rule (HTTP 409; Confluent error code 40901, 409 on older registries). */
public class IncompatibleSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int ERROR_CODE = 40901;

  public IncompatibleSchemaException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }

  public IncompatibleSchemaException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
