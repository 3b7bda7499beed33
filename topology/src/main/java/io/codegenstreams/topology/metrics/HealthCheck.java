package io.codegenstreams.topology.metrics;

import io.codegenstreams.inference.EngineStats;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Decides liveness and readiness of one instance, for Kubernetes probes and the {@value #READY_METRIC} gauge.
 *
 * <p><b>Ready</b> when all of these hold, checked in this order (the first that fails is the reason given):
 * <ol>
 *   <li>the engine's default model is loaded and warmed up ({@link InferenceEngine#isReady()});</li>
 *   <li>the Kafka Streams client is {@code RUNNING}: not yet started, {@code REBALANCING} (partitions are being
 *       assigned or their state restored, so the tasks concerned do not process), shutting down or failed all
 *       count as not ready;</li>
 *   <li>the engine is not saturated: no lane's engine queue is at its capacity ({@code queue.capacity.<lane>}). At
 *       capacity the engine refuses new submits of that lane, requests pile up in the topology's lane buffers and
 *       are soon REJECTED as overloaded. Queue depth is summed over models and capacity is per model, so with
 *       several busy models this errs towards "saturated".</li>
 * </ol>
 *
 * <p><b>Live</b> unless the instance cannot recover by itself: the engine failed to warm its default model, or the
 * Kafka Streams client is in {@code ERROR}/{@code PENDING_ERROR}. A cold start, a rebalance or saturation is not a
 * reason to restart the process.
 */
public final class HealthCheck {
  public static final String READY_METRIC = "code_gen_ready";

  private final InferenceEngine engine;
  private final CompletableFuture<Void> engineReady;
  private final Map<Priority, Integer> queueCapacity;
  private final Supplier<KafkaStreams.State> streamsState;

  /**
   * @param queueCapacity the engine's {@code queue.capacity.<lane>} settings
   * @param streamsState  the Kafka Streams client's state, {@code null} while the pipeline has not been created
   */
  public HealthCheck(InferenceEngine engine, Map<Priority, Integer> queueCapacity,
                     Supplier<KafkaStreams.State> streamsState) {
    this.engine = engine;
    this.engineReady = engine.whenReady();
    this.queueCapacity = new EnumMap<>(queueCapacity);
    this.streamsState = streamsState;
  }

  public Health liveness() {
    KafkaStreams.State state = streamsState.get();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("streams_state", state == null ? "NOT_STARTED" : state.name());
    if (engineReady.isCompletedExceptionally()) {
      return new Health(false, "the engine failed to warm up its default model: " + failure(engineReady), details);
    }
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
      return new Health(false, "Kafka Streams is in " + state + ": no stream thread can process", details);
    }
    return new Health(true, "alive", details);
  }

  public Health readiness() {
    boolean warm = engine.isReady();
    KafkaStreams.State state = streamsState.get();
    EngineStats stats = engine.stats();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("engine_ready", warm);
    details.put("streams_state", state == null ? "NOT_STARTED" : state.name());
    Priority full = null;
    for (Priority lane : Priority.values()) {
      int depth = stats.queueDepth().getOrDefault(lane, 0);
      int capacity = queueCapacity.getOrDefault(lane, Integer.MAX_VALUE);
      details.put("queue_" + LabelValues.lane(lane), depth + "/" + capacity);
      if (full == null && depth >= capacity) {
        full = lane;
      }
    }
    if (!warm) {
      return new Health(false, engineReady.isCompletedExceptionally()
          ? "the engine failed to warm up its default model: " + failure(engineReady)
          : "the default model is loading or warming up", details);
    }
    if (state != KafkaStreams.State.RUNNING) {
      return new Health(false, state == null ? "the Kafka Streams pipeline has not started"
          : "Kafka Streams is " + state + ", not RUNNING", details);
    }
    if (full != null) {
      return new Health(false, "the engine is saturated: its " + full + " queue is at capacity ("
          + details.get("queue_" + LabelValues.lane(full)) + ")", details);
    }
    return new Health(true, "ready", details);
  }

  private static String failure(CompletableFuture<Void> future) {
    try {
      future.join();
      return "";
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return String.valueOf(cause.getMessage());
    }
  }
}
