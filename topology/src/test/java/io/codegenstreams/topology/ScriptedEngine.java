package io.codegenstreams.topology;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.EngineOverloadedException;
import io.codegenstreams.inference.EngineStats;
import io.codegenstreams.inference.FinishReason;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A test double of the engine for TopologyTestDriver tests: it records what it was given and completes requests
 * when the test says so (or at once in auto mode), with a completion derived from the prompt. The real engine is
 * tested on its own in inference-processor and end to end in the integration tests.
 */
final class ScriptedEngine implements InferenceEngine {
  final List<GenerationRequest> submitted = new ArrayList<>();
  final List<String> cancelled = new ArrayList<>();
  private final Map<String, CompletableFuture<Completion>> pending = new LinkedHashMap<>();
  private final Set<Priority> full = EnumSet.noneOf(Priority.class);
  private boolean auto = true;

  ScriptedEngine manual() {
    auto = false;
    return this;
  }

  void refuse(Priority lane) {
    full.add(lane);
  }

  void accept(Priority lane) {
    full.remove(lane);
  }

  static String completionOf(String prompt) {
    return " return a > b ? a : b; } // for " + prompt.length();
  }

  @Override
  public synchronized CompletableFuture<Completion> submit(GenerationRequest request) {
    if (full.contains(request.priority())) {
      throw new EngineOverloadedException(EngineOverloadedException.Reason.QUEUE_FULL, "lane " + request.priority() + " full");
    }
    submitted.add(request);
    CompletableFuture<Completion> future = new CompletableFuture<>();
    pending.put(request.id(), future);
    if (auto) {
      completeAll();
    }
    return future;
  }

  synchronized void completeAll() {
    List<String> ids = new ArrayList<>(pending.keySet());
    ids.forEach(this::complete);
  }

  synchronized void complete(String id) {
    GenerationRequest request = submitted.stream().filter(r -> r.id().equals(id)).reduce((a, b) -> b).orElseThrow();
    pending.remove(id).complete(new Completion(id, CompletionStatus.OK, completionOf(request.prompt()), FinishReason.STOP,
        null, request.model(), "test-1", request.prompt().length(), 12, 1_000_000, 5_000_000, pending.size() + 1));
  }

  /** A manual engine completes a cancelled request at once, CANCELLED with a partial text, as the real one does. */
  @Override
  public synchronized boolean cancel(String id) {
    CompletableFuture<Completion> future = pending.remove(id);
    if (future == null) {
      return false;
    }
    cancelled.add(id);
    future.complete(new Completion(id, CompletionStatus.CANCELLED, " return", null, "cancelled", null, "test-1", 3, 1,
        1_000_000, 1_000_000, 1));
    return true;
  }


  long submittedWithId(String id) {
    return submitted.stream().filter(r -> r.id().equals(id)).count();
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public CompletableFuture<Void> whenReady() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public EngineStats stats() {
    throw new UnsupportedOperationException("not used by the topology");
  }

  @Override
  public void addListener(EngineListener listener) {}

  @Override
  public void close() {}
}
