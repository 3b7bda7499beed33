package io.codegenstreams.serde;

/** The registry rejected the schema text: not parseable, or not a supported schema type (error code 42201). */
public class InvalidSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int ERROR_CODE = 42201;

  public InvalidSchemaException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }

  public InvalidSchemaException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
