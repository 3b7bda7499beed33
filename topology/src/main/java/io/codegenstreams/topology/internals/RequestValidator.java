package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.RejectionReason;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.TopologyConfig;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Checks a decoded request; the answer is a reason a person can act on, or empty when it may run. */
final class RequestValidator {
  /** Most ids a request may supersede (the schema's doc says so too). */
  static final int MAX_SUPERSEDES = 16;
  /** Hotter than this is noise: every token equally likely. */
  static final float MAX_TEMPERATURE = 100f;
  private final int promptMaxBytes;
  private final int maxNewTokensMax;
  private final ModelCatalog models;

  RequestValidator(TopologyConfig config, ModelCatalog models) {
    this.promptMaxBytes = config.getInt(TopologyConfig.PROMPT_MAX_BYTES);
    this.maxNewTokensMax = config.getInt(TopologyConfig.MAX_NEW_TOKENS_MAX);
    this.models = models;
  }

  /** Why a request is refused: a typed reason for programs, a message for people. */
  record Problem(RejectionReason reason, String message) {}

  private static Optional<Problem> invalid(String message) {
    return Optional.of(new Problem(RejectionReason.INVALID, message));
  }

  Optional<Problem> problem(String key, CodeGenRequest r, long nowMs) {
    if (r.getRequestId() == null || r.getRequestId().isBlank()) {
      return invalid("request_id is empty: give every request a unique id (it is the idempotency key)");
    }
    if (key == null || !key.equals(r.getRequestId())) {
      return invalid("record key '" + key + "' differs from request_id '" + r.getRequestId()
          + "': produce requests keyed by their request_id");
    }
    if (r.getPrompt() == null || r.getPrompt().isEmpty()) {
      return invalid("prompt is empty: there is nothing to complete");
    }
    // Avro decodes malformed UTF-8 to U+FFFD instead of failing: such a prompt would run on text the client never sent
    if (r.getPrompt().indexOf('\uFFFD') >= 0 || (r.getSuffix() != null && r.getSuffix().indexOf('\uFFFD') >= 0)) {
      return invalid("prompt or suffix is not valid UTF-8 (or holds U+FFFD): send the text as UTF-8");
    }
    int promptBytes = r.getPrompt().getBytes(StandardCharsets.UTF_8).length
        + (r.getSuffix() == null ? 0 : r.getSuffix().getBytes(StandardCharsets.UTF_8).length);
    if (promptBytes > promptMaxBytes) {
      return invalid((r.getSuffix() == null ? "prompt is " : "prompt and suffix are ") + promptBytes
          + " bytes, over the limit of " + promptMaxBytes
          + " (" + TopologyConfig.PROMPT_MAX_BYTES + "): send less context");
    }
    if (!models.knows(r.getModel())) {
      return Optional.of(new Problem(RejectionReason.UNKNOWN_MODEL, "unknown model '" + r.getModel() + "': use one of "
          + models.models().stream().sorted().toList()
          + " or leave model empty for " + models.defaultModel()));
    }
    if (r.getMaxNewTokens() < 1 || r.getMaxNewTokens() > maxNewTokensMax) {
      return invalid("max_new_tokens " + r.getMaxNewTokens() + " is out of range 1.." + maxNewTokensMax
          + " (" + TopologyConfig.MAX_NEW_TOKENS_MAX + ")");
    }
    if (!(r.getTemperature() >= 0f) || r.getTemperature() > MAX_TEMPERATURE) {
      return invalid("temperature " + r.getTemperature() + " must be a number from 0 (greedy) to " + MAX_TEMPERATURE);
    }
    if (r.getTopK() < 0) {
      return invalid("top_k " + r.getTopK() + " must be >= 0 (0 = no top-k filter)");
    }
    for (String stop : r.getStop()) {
      if (stop == null || stop.isEmpty()) {
        return invalid("stop sequences must not be empty strings");
      }
    }
    if (r.getSupersedes().size() > MAX_SUPERSEDES) {
      return invalid("supersedes lists " + r.getSupersedes().size() + " ids, more than " + MAX_SUPERSEDES
          + ": name only the requests this one replaces (the latest is enough when each superseded the one before)");
    }
    if (r.getDeadline() != null && r.getDeadline().toEpochMilli() <= nowMs) {
      return invalid("deadline " + r.getDeadline() + " had already passed when the request arrived");
    }
    return Optional.empty();
  }
}
