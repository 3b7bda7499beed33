package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;

/** A result the way a person reads it: the completion, then one line of facts. */
final class ResultText {
  private ResultText() {}

  static String describe(CodeGenResult r) {
    StringBuilder sb = new StringBuilder();
    if (r.getStatus() == ResultStatus.OK) {
      sb.append(r.getCompletion()).append('\n');
    } else {
      sb.append(r.getStatus()).append(": ").append(r.getError()).append('\n');
    }
    return sb.append(facts(r)).toString();
  }

  /** The facts line alone (status, ids, tokens, times), for a completion already shown as it streamed. */
  static String facts(CodeGenResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("-- ").append(r.getStatus())
        .append(" | request ").append(r.getRequestId())
        .append(" | model ").append(r.getModel());
    if (r.getModelVersion() != null) {
      sb.append('@').append(r.getModelVersion());
    }
    sb.append(" | ").append(r.getCompletionTokens()).append(" tokens");
    if (r.getFinishReason() != null) {
      sb.append(" (").append(r.getFinishReason().name().toLowerCase(java.util.Locale.ROOT)).append(')');
    }
    sb.append(" | queue ").append(r.getQueueTimeMs()).append(" ms")
        .append(" | inference ").append(r.getInferenceTimeMs()).append(" ms")
        .append(" | end-to-end ").append(r.getEndToEndMs()).append(" ms")
        .append(" | batch ").append(r.getBatchSize());
    if (r.getCached()) {
      sb.append(" | cached");
    }
    return sb.toString();
  }
}
