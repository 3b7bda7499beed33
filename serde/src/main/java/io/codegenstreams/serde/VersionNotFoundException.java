package io.codegenstreams.serde;

/** The subject exists but not in the requested version (error code 40402). */
public class VersionNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int ERROR_CODE = 40402;

  public VersionNotFoundException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }

  public VersionNotFoundException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
