package io.codegenstreams.serde.internals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.serde.IncompatibleSchemaException;
import io.codegenstreams.serde.InvalidSchemaException;
import io.codegenstreams.serde.SchemaNotFoundException;
import io.codegenstreams.serde.SchemaRegistryException;
import io.codegenstreams.serde.SubjectNotFoundException;
import io.codegenstreams.serde.VersionNotFoundException;

/**
 * Maps a registry error answer ({@code {"error_code": N, "message": "..."}}) to this module's exceptions. An answer
 * whose body is not that JSON gets error code 50005, as Confluent's own client does.
 */
public final class RegistryErrors {
  /** Error code used when the registry's error body cannot be parsed (Confluent's client uses the same). */
  public static final int UNPARSEABLE_ERROR_BODY = 50005;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryErrors() {}

  public static SchemaRegistryException fromResponse(String request, String url, int status, String body) {
    int code = status;
    String message = body == null ? "" : body.trim();
    try {
      JsonNode node = JSON.readTree(message);
      if (node != null && node.isObject() && node.has("error_code")) {
        code = node.path("error_code").asInt(status);
        message = node.path("message").asText("");
      } else {
        code = UNPARSEABLE_ERROR_BODY;
      }
    } catch (Exception notJson) {
      code = UNPARSEABLE_ERROR_BODY;
    }
    String text = "Schema registry " + url + " answered HTTP " + status + " (error code " + code + ") to " + request
        + ": " + message;
    if (status == 409) {
      return new IncompatibleSchemaException(text, status, code);
    }
    return switch (code) {
      case SubjectNotFoundException.ERROR_CODE -> new SubjectNotFoundException(text, status, code);
      case VersionNotFoundException.ERROR_CODE -> new VersionNotFoundException(text, status, code);
      case SchemaNotFoundException.ERROR_CODE -> new SchemaNotFoundException(text, status, code);
      case InvalidSchemaException.ERROR_CODE -> new InvalidSchemaException(text, status, code);
      default -> new SchemaRegistryException(text, status, code);
    };
  }
}
