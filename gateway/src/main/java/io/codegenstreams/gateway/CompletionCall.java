package io.codegenstreams.gateway;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.Priority;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code POST /v1/completions} body read into a {@link CodeGenRequest}. Supported: {@code model}, {@code prompt}
 * (a string, or an array of one), {@code suffix}, {@code max_tokens} (default 16, as OpenAI's), {@code temperature}
 * (default 0: greedy, what code completion wants), {@code top_p} (1 only), {@code stop} (a string or an array),
 * {@code stream}, {@code seed}, {@code user} (kept in the request's metadata). Parameters the pipeline cannot honour
 * ({@code n} above 1, {@code best_of}, {@code logprobs}, {@code echo}, penalties, {@code logit_bias}) are refused
 * with a 400 that names them, never ignored.
 */
record CompletionCall(CodeGenRequest request, boolean stream, String model) {
  static final int DEFAULT_MAX_TOKENS = 16;
  private static final Set<String> KNOWN = Set.of("model", "prompt", "suffix", "max_tokens", "temperature", "top_p",
      "stop", "stream", "seed", "user", "n", "best_of", "logprobs", "echo", "presence_penalty", "frequency_penalty",
      "logit_bias", "stream_options");

  static CompletionCall parse(String body, String requestId, Priority lane, List<String> models, String defaultModel) {
    JsonObject json;
    try {
      json = new JsonObject(body == null || body.isBlank() ? "{}" : body);
    } catch (DecodeException | ClassCastException e) {
      throw OpenAiError.invalid(null, "the request body is not a JSON object: " + e.getMessage());
    }
    for (String field : json.fieldNames()) {
      if (!KNOWN.contains(field)) {
        throw OpenAiError.invalid(field, "unknown parameter '" + field + "'");
      }
    }
    refuseUnless(json, "n", 1, "n > 1 is not supported: ask once per completion");
    refuseUnless(json, "best_of", 1, "best_of is not supported");
    if (json.getValue("logprobs") != null) {
      throw OpenAiError.invalid("logprobs", "logprobs is not supported");
    }
    if (Boolean.TRUE.equals(json.getValue("echo"))) {
      throw OpenAiError.invalid("echo", "echo is not supported");
    }
    for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
      Object v = json.getValue(penalty);
      if (v != null && !(v instanceof Number n && n.doubleValue() == 0)) {
        throw OpenAiError.invalid(penalty, penalty + " is not supported (only 0)");
      }
    }
    if (json.getValue("logit_bias") != null && !json.getJsonObject("logit_bias", new JsonObject()).isEmpty()) {
      throw OpenAiError.invalid("logit_bias", "logit_bias is not supported");
    }
    Object topP = json.getValue("top_p");
    if (topP != null && !(topP instanceof Number n && n.doubleValue() == 1)) {
      throw OpenAiError.invalid("top_p", "top_p is not supported (only 1): use temperature, or top_k in Kafka requests");
    }

    String model = json.getValue("model") == null ? defaultModel : string(json, "model");
    if (!models.contains(model)) {
      throw new OpenAiError(404, "invalid_request_error", "The model '" + model + "' does not exist: use one of "
          + models, "model", "model_not_found");
    }
    String prompt = prompt(json.getValue("prompt"));
    int maxTokens = json.getValue("max_tokens") == null ? DEFAULT_MAX_TOKENS : integer(json, "max_tokens");
    float temperature = json.getValue("temperature") == null ? 0f : (float) number(json, "temperature");
    List<String> stop = stop(json.getValue("stop"));
    boolean stream = json.getValue("stream") != null && bool(json, "stream");
    Long seed = json.getValue("seed") == null ? null : (long) integer(json, "seed");
    String suffix = json.getValue("suffix") == null ? null : string(json, "suffix");
    String user = json.getValue("user") == null ? null : string(json, "user");

    CodeGenRequest.Builder b = CodeGenRequest.newBuilder().setRequestId(requestId).setPrompt(prompt)
        .setModel(model).setPriority(lane).setMaxNewTokens(maxTokens).setTemperature(temperature).setStop(stop)
        .setSeed(seed).setSuffix(suffix).setStream(stream).setCreatedAt(Instant.now());
    if (user != null) {
      b.setMetadata(java.util.Map.of("user", user, "via", "gateway"));
    } else {
      b.setMetadata(java.util.Map.of("via", "gateway"));
    }
    return new CompletionCall(b.build(), stream, model);
  }

  private static void refuseUnless(JsonObject json, String field, int allowed, String message) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof Number n && n.intValue() == allowed && n.doubleValue() == allowed)) {
      throw OpenAiError.invalid(field, message);
    }
  }

  private static String prompt(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof JsonArray a && a.size() == 1 && a.getValue(0) instanceof String s) {
      return s;
    }
    if (value instanceof JsonArray a && a.size() > 1) {
      throw OpenAiError.invalid("prompt", "a batch of prompts is not supported: send one call per prompt");
    }
    throw OpenAiError.invalid("prompt", "prompt must be a string (or an array of one string)");
  }

  private static List<String> stop(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw OpenAiError.invalid("stop", "stop must be a string or an array of strings");
        }
        out.add(s);
      }
      return out;
    }
    throw OpenAiError.invalid("stop", "stop must be a string or an array of strings");
  }

  private static String string(JsonObject json, String field) {
    if (json.getValue(field) instanceof String s) {
      return s;
    }
    throw OpenAiError.invalid(field, field + " must be a string");
  }

  private static double number(JsonObject json, String field) {
    if (json.getValue(field) instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw OpenAiError.invalid(field, field + " must be a number");
  }

  private static int integer(JsonObject json, String field) {
    if (json.getValue(field) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw OpenAiError.invalid(field, field + " must be an integer");
  }

  private static boolean bool(JsonObject json, String field) {
    if (json.getValue(field) instanceof Boolean b) {
      return b;
    }
    throw OpenAiError.invalid(field, field + " must be true or false");
  }

  /** {@code X-Timeout-Ms}: the request's deadline, in milliseconds from now (TIMEOUT, 504, when it passes). */
  static long timeoutMillis(String header) {
    try {
      long ms = Long.parseLong(header.strip());
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw OpenAiError.invalid(null, "X-Timeout-Ms must be a positive number of milliseconds, not '" + header + "'");
  }

  static Priority lane(String header, Priority fallback) {
    if (header == null || header.isBlank()) {
      return fallback;
    }
    try {
      return Priority.valueOf(header.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalid(null, "X-Priority must be high, normal or low, not '" + header + "'");
    }
  }
}
