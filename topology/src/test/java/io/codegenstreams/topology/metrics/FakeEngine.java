package io.codegenstreams.topology.metrics;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.EngineStats;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** An engine whose readiness and stats the test sets; it runs nothing. */
final class FakeEngine implements InferenceEngine {
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  final List<EngineListener> listeners = new ArrayList<>();
  volatile EngineStats stats = stats(Map.of(), 0, List.of());

  static EngineStats stats(Map<Priority, Integer> queueDepth, int inFlight, List<String> loaded) {
    Map<Priority, Integer> depth = new EnumMap<>(Priority.class);
    for (Priority lane : Priority.values()) {
      depth.put(lane, queueDepth.getOrDefault(lane, 0));
    }
    return new EngineStats(10, 200, 9, 1, 2, 3, depth, inFlight, 4096, 1 << 20, 5_000_000, 1 << 30, 7, 1, loaded);
  }

  @Override
  public CompletableFuture<Completion> submit(GenerationRequest request) {
    throw new UnsupportedOperationException("the fake engine runs nothing");
  }

  @Override
  public boolean cancel(String requestId) {
    return false;
  }

  @Override
  public boolean isReady() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  @Override
  public CompletableFuture<Void> whenReady() {
    return ready.thenApply(v -> v);
  }

  @Override
  public EngineStats stats() {
    return stats;
  }

  @Override
  public void addListener(EngineListener listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {}
}
