package io.codegenstreams.perf.load;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.EngineOverloadedException;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.Prompts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drives the engine directly, without Kafka: the same requests the pipeline would hand it, submitted at their
 * arrival instants. A repeated id is attached to its first copy (as the pipeline's idempotency does) instead of
 * running again. The difference to the pipeline's figures is the cost of the Kafka path.
 */
public final class InProcessSink implements RequestSink {
  private final InferenceEngine engine;
  private final Map<String, CompletableFuture<Completion>> byId = new ConcurrentHashMap<>();
  private volatile ResultTracker tracker;

  public InProcessSink(InferenceEngine engine) {
    this.engine = engine;
  }

  @Override
  public void attach(ResultTracker tracker) {
    this.tracker = tracker;
    byId.clear();
  }

  @Override
  public void send(PlannedRequest r, Instant createdAt, Instant deadline) {
    ResultTracker t = tracker;
    CompletableFuture<Completion> first = byId.get(r.id());
    if (r.duplicate() && first != null) {
      first.whenComplete((c, e) -> t.answered(r.id(), outcome(c, e), true, System.nanoTime()));
      return;
    }
    GenerationRequest request = new GenerationRequest(r.id(), Prompts.ofLength(r.promptBytes()), null,
        Priority.valueOf(r.lane().name()), r.maxNewTokens(), 0f, 0, List.of(), null, deadline);
    try {
      CompletableFuture<Completion> future = engine.submit(request);
      byId.put(r.id(), future);
      future.whenComplete((c, e) -> t.answered(r.id(), outcome(c, e), false, System.nanoTime(),
          c == null ? -1 : c.queueNanos() / 1e6, c == null ? -1 : c.inferenceNanos() / 1e6));
    } catch (EngineOverloadedException full) {
      t.answered(r.id(), Outcome.REJECTED, false, System.nanoTime());
    }
  }

  private static Outcome outcome(Completion c, Throwable error) {
    if (error != null || c == null) {
      return Outcome.FAILED;
    }
    return c.status() == CompletionStatus.OK ? Outcome.OK
        : c.status() == CompletionStatus.TIMEOUT ? Outcome.TIMEOUT
        : c.status() == CompletionStatus.CANCELLED ? Outcome.CANCELLED : Outcome.FAILED;
  }

  @Override
  public String name() {
    return "in-process";
  }
}
