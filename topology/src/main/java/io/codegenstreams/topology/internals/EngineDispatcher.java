package io.codegenstreams.topology.internals;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineOverloadedException;
import io.codegenstreams.inference.EngineUnavailableException;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.TextStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Hands requests of one task to the shared engine without blocking, and collects what finished into an inbox that
 * the task's stream thread drains: results are forwarded by the thread that owns the task, so result, buffer
 * delete and input offsets commit in one transaction.
 */
final class EngineDispatcher {

  enum Outcome { ACCEPTED, ENGINE_FULL, ENGINE_CLOSED }

  /** A request that left the engine. Exactly one of {@code completion} and {@code error} is set. */
  record Finished(Pending pending, long dispatchedAtMs, Completion completion, Throwable error) {}

  private final InferenceEngine engine;
  private final ConcurrentLinkedQueue<Finished> inbox = new ConcurrentLinkedQueue<>();
  private final Map<String, CompletableFuture<Completion>> running = new HashMap<>();

  EngineDispatcher(InferenceEngine engine) {
    this.engine = engine;
  }

  /**
   * @param stream where the request's partial text goes, or null
   * @throws io.codegenstreams.inference.InferenceException for a request the engine refuses for good
   */
  Outcome submit(Pending pending, GenerationRequest request, TextStream stream, long nowMs) {
    CompletableFuture<Completion> future;
    try {
      future = stream == null ? engine.submit(request) : engine.submit(request, stream);
    } catch (EngineOverloadedException full) {
      return Outcome.ENGINE_FULL;
    } catch (EngineUnavailableException closed) {
      return Outcome.ENGINE_CLOSED;
    }
    running.put(pending.id(), future);
    future.whenComplete((completion, error) -> inbox.add(new Finished(pending, nowMs, completion, error)));
    return Outcome.ACCEPTED;
  }

  /**
   * Asks the engine to stop a running request; its CANCELLED completion arrives in the inbox like any other.
   *
   * @return false when the id is not running here
   */
  boolean cancel(String id) {
    if (!running.containsKey(id)) {
      return false;
    }
    engine.cancel(id); // false when it finished meanwhile: its completion is on its way, and it stands
    return true;
  }

  boolean isRunning(String id) {
    return running.containsKey(id);
  }

  int running() {
    return running.size();
  }

  List<Finished> drain() {
    List<Finished> done = new ArrayList<>();
    for (Finished f; (f = inbox.poll()) != null; ) {
      if (running.remove(f.pending().id()) != null) {
        done.add(f);
      }
    }
    return done;
  }

  /** The task is closing (rebalance or shutdown): its requests will be run again by the task's next owner. */
  void cancelAll() {
    running.values().forEach(f -> f.cancel(false));
    running.clear();
    inbox.clear();
  }
}
