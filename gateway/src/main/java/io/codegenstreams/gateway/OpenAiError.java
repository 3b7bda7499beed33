package io.codegenstreams.gateway;

import io.vertx.core.json.JsonObject;

/**
 * An error in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}} with its HTTP status.
 * Thrown while a call is parsed; written as the response body.
 */
public final class OpenAiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final Integer retryAfterSeconds;

  public OpenAiError(int status, String type, String message, String param, String code) {
    this(status, type, message, param, code, null);
  }

  public OpenAiError(int status, String type, String message, String param, String code, Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static OpenAiError invalid(String param, String message) {
    return new OpenAiError(400, "invalid_request_error", message, param, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public JsonObject body() {
    return new JsonObject().put("error", new JsonObject().put("message", getMessage()).put("type", type)
        .put("param", param).put("code", code));
  }
}
