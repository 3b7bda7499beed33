package io.codegenstreams.serde;

/** The subject does not exist in the registry (error code 40401). */
public class SubjectNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int ERROR_CODE = 40401;

  public SubjectNotFoundException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }

  public SubjectNotFoundException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
