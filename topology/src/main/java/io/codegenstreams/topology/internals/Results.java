package io.codegenstreams.topology.internals;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.FinishReason;
import io.codegenstreams.schemas.RejectionReason;
import io.codegenstreams.schemas.ResultStatus;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Builds the CodeGenResult records the topology emits. */
final class Results {
  private Results() {}

  static CodeGenResult rejected(String requestId, CodeGenRequest request, String model, RejectionReason why,
                                String reason, long nowMs) {
    return base(requestId, request, model, nowMs).setStatus(ResultStatus.REJECTED).setRejection(why).setError(reason)
        .build();
  }

  static CodeGenResult timedOut(CodeGenRequest request, String model, String reason, long arrivalMs, long nowMs) {
    return base(request.getRequestId(), request, model, nowMs)
        .setStatus(ResultStatus.TIMEOUT).setError(reason).setQueueTimeMs(nowMs - arrivalMs).build();
  }

  static CodeGenResult failed(CodeGenRequest request, String model, String reason, long arrivalMs, long nowMs) {
    return base(request.getRequestId(), request, model, nowMs)
        .setStatus(ResultStatus.FAILED).setError(reason).setQueueTimeMs(nowMs - arrivalMs).build();
  }

  /** Cancelled before it ran: no text. */
  static CodeGenResult cancelled(CodeGenRequest request, String model, String reason, long arrivalMs, long nowMs) {
    return base(request.getRequestId(), request, model, nowMs).setStatus(ResultStatus.CANCELLED).setCompletion("")
        .setError(reason).setQueueTimeMs(nowMs - arrivalMs).build();
  }

  /** {@code bufferedMs}: time spent in the lane buffer before the engine took it. */
  static CodeGenResult fromCompletion(CodeGenRequest request, Completion c, long bufferedMs, long nowMs) {
    ResultStatus status = switch (c.status()) {
      case OK -> ResultStatus.OK;
      case TIMEOUT -> ResultStatus.TIMEOUT;
      case REJECTED -> ResultStatus.REJECTED;
      case FAILED -> ResultStatus.FAILED;
      case CANCELLED -> ResultStatus.CANCELLED;
    };
    return base(request.getRequestId(), request, c.model(), nowMs)
        .setStatus(status)
        .setCompletion(status == ResultStatus.OK || status == ResultStatus.CANCELLED ? c.text() : null)
        .setRejection(status == ResultStatus.REJECTED ? RejectionReason.UNSUPPORTED : null)
        .setError(c.error())
        .setModelVersion(c.modelVersion())
        .setFinishReason(c.finishReason() == null ? null : FinishReason.valueOf(c.finishReason().name()))
        .setPromptTokens(c.promptTokens())
        .setCompletionTokens(c.completionTokens())
        .setQueueTimeMs(bufferedMs + TimeUnit.NANOSECONDS.toMillis(c.queueNanos()))
        .setInferenceTimeMs(TimeUnit.NANOSECONDS.toMillis(c.inferenceNanos()))
        .setBatchSize(c.batchSize())
        .build();
  }

  /** The stored answer to a repeated request id, marked as coming from the idempotency store. */
  static CodeGenResult cached(CodeGenResult stored) {
    return CodeGenResult.newBuilder(stored).setCached(true).build();
  }

  private static CodeGenResult.Builder base(String requestId, CodeGenRequest request, String model, long nowMs) {
    long created = request == null || request.getCreatedAt() == null || request.getCreatedAt().toEpochMilli() <= 0
        ? nowMs : request.getCreatedAt().toEpochMilli();
    return CodeGenResult.newBuilder()
        .setRequestId(requestId)
        .setModel(model == null ? "" : model)
        .setEndToEndMs(Math.max(0, nowMs - created))
        .setCompletedAt(Instant.ofEpochMilli(nowMs));
  }
}
