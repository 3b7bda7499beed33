package io.codegenstreams.embedded.registry;

/**
 * An error answer of the registry: HTTP status, Confluent {@code error_code} and message, exactly as Confluent Schema
 * Registry sends them ({@code io.confluent.kafka.schemaregistry.rest.exceptions.Errors} and rest-utils' mappers).
 */
final class RestError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final int SUBJECT_NOT_FOUND = 40401;
  static final int VERSION_NOT_FOUND = 40402;
  static final int SCHEMA_NOT_FOUND = 40403;
  static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
  static final int INCOMPATIBLE_SCHEMA = 40901;
  static final int INVALID_SCHEMA = 42201;
  static final int INVALID_VERSION = 42202;
  static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  static final int STORE_ERROR = 50001;

  private final int status;
  private final int errorCode;

  RestError(int status, int errorCode, String message) {
    this(status, errorCode, message, null);
  }

  RestError(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }

  static RestError subjectNotFound(String subject) {
    return new RestError(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static RestError versionNotFound(int version) {
    return new RestError(404, VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  static RestError schemaNotFound() {
    return new RestError(404, SCHEMA_NOT_FOUND, "Schema not found");
  }

  static RestError schemaNotFound(int id) {
    return new RestError(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
  }

  static RestError subjectCompatibilityNotConfigured(String subject) {
    return new RestError(404, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static RestError incompatible(String message) {
    return new RestError(409, INCOMPATIBLE_SCHEMA, message);
  }

  static RestError invalidSchema(String message) {
    return new RestError(422, INVALID_SCHEMA, message);
  }

  static RestError invalidVersion(String version) {
    return new RestError(422, INVALID_VERSION, "The specified version '" + version + "' is not a valid version id. "
        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  static RestError invalidCompatibilityLevel() {
    return new RestError(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level. Valid values are none, "
        + "backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
  }

  static RestError store(String message, Throwable cause) {
    return new RestError(500, STORE_ERROR, message, cause);
  }

  /** Malformed or mistyped JSON body: rest-utils answers HTTP 400 with error code 400 and the parser's message. */
  static RestError badRequest(String message) {
    return new RestError(400, 400, message);
  }

  /** Jersey-level errors carry the HTTP status as error code and its standard reason. */
  static RestError http(int status, String reason) {
    return new RestError(status, status, "HTTP " + status + " " + reason);
  }
}
