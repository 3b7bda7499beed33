package io.codegenstreams.topology.metrics;

import io.codegenstreams.inference.EngineStats;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's gauges and cumulative counters, read from one {@link EngineStats} snapshot per scrape, so that
 * every value of a scrape comes from the same instant (a collector per value would call
 * {@link InferenceEngine#stats()} a dozen times and mix instants).
 */
public final class EngineStatsCollector implements MultiCollector {
  public static final String QUEUE_DEPTH = "code_gen_queue_depth";
  public static final String QUEUE_CAPACITY = "code_gen_queue_capacity";
  public static final String INFLIGHT_SEQUENCES = "code_gen_inflight_sequences";
  public static final String KV_IN_FLIGHT = "code_gen_kv_cache_in_flight_bytes";
  public static final String KV_BUDGET = "code_gen_kv_cache_budget_bytes";
  public static final String MEMORY_IN_USE = "code_gen_model_memory_bytes";
  public static final String MEMORY_BUDGET = "code_gen_model_memory_budget_bytes";
  /** Counter names without {@code _total}: the exposition format appends it. */
  public static final String TOKENS_GENERATED = "code_gen_tokens_generated";
  public static final String CACHE_HITS = "code_gen_model_cache_hits";
  public static final String CACHE_MISSES = "code_gen_model_cache_misses";
  public static final String COMPLETED = "code_gen_engine_completed_requests";
  public static final String MODEL_LOADED = "code_gen_model_loaded";
  public static final String MODEL_READY = "code_gen_model_ready";

  private final InferenceEngine engine;
  private final Map<Priority, Integer> queueCapacity;
  private final Set<String> models;
  private final String defaultModel;

  /**
   * @param queueCapacity the engine's {@code queue.capacity.<lane>} settings
   * @param models        the declared models, reported as loaded (1) or not (0)
   * @param defaultModel  the model whose warm-up decides {@value #MODEL_READY}
   */
  public EngineStatsCollector(InferenceEngine engine, Map<Priority, Integer> queueCapacity, Set<String> models,
                              String defaultModel) {
    this.engine = engine;
    this.queueCapacity = new EnumMap<>(queueCapacity);
    this.models = Set.copyOf(models);
    this.defaultModel = defaultModel;
  }

  @Override
  public MetricSnapshots collect() {
    EngineStats stats = engine.stats();
    List<MetricSnapshot> out = new ArrayList<>();
    GaugeSnapshot.Builder depth = GaugeSnapshot.builder().name(QUEUE_DEPTH)
        .help("Requests waiting in the engine's queue of each lane, all models (excludes the topology's lane buffers).");
    GaugeSnapshot.Builder capacity = GaugeSnapshot.builder().name(QUEUE_CAPACITY)
        .help("The engine's queue.capacity.<lane> setting (per model); submits beyond it are refused.");
    for (Priority lane : Priority.values()) {
      Labels labels = Labels.of("lane", LabelValues.lane(lane));
      depth.dataPoint(gauge(labels, stats.queueDepth().getOrDefault(lane, 0)));
      capacity.dataPoint(gauge(labels, queueCapacity.getOrDefault(lane, 0)));
    }
    out.add(depth.build());
    out.add(capacity.build());
    out.add(gauge(INFLIGHT_SEQUENCES, "Sequences in a running batch now, all models.", stats.inFlightSequences()));
    out.add(gauge(KV_IN_FLIGHT, "KV-cache bytes reserved by running sequences, all models.", stats.kvBytesInFlight()));
    out.add(gauge(KV_BUDGET, "The kv.budget.bytes setting (per model scheduler).", stats.kvBudgetBytes()));
    out.add(gauge(MEMORY_IN_USE, "Estimated memory of the loaded models.", stats.memoryBytesInUse()));
    out.add(gauge(MEMORY_BUDGET, "The memory.budget.bytes setting of the model cache.", stats.memoryBudgetBytes()));
    out.add(counter(TOKENS_GENERATED, "Tokens generated, all models.", stats.tokensGenerated()));
    out.add(counter(CACHE_HITS, "Submits whose model was already loaded (the article's cache_hit_rate is"
        + " hits / (hits + misses)).", stats.cacheHits()));
    out.add(counter(CACHE_MISSES, "Submits that had to load their model or wait for its load.", stats.cacheMisses()));
    out.add(counter(COMPLETED, "Completions the engine delivered, any status.", stats.requestsCompleted()));
    GaugeSnapshot.Builder loaded = GaugeSnapshot.builder().name(MODEL_LOADED)
        .help("1 when the declared model is loaded in the model cache, else 0.");
    for (String model : models) {
      loaded.dataPoint(gauge(Labels.of("model_type", model), stats.loadedModels().contains(model) ? 1 : 0));
    }
    out.add(loaded.build());
    out.add(GaugeSnapshot.builder().name(MODEL_READY)
        .help("1 once the default model is loaded and warmed up (the engine is ready), else 0.")
        .dataPoint(gauge(Labels.of("model_type", defaultModel), engine.isReady() ? 1 : 0)).build());
    return new MetricSnapshots(out);
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help).dataPoint(gauge(Labels.EMPTY, value)).build();
  }

  private static CounterSnapshot counter(String name, String help, double value) {
    return CounterSnapshot.builder().name(name).help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(QUEUE_DEPTH, QUEUE_CAPACITY, INFLIGHT_SEQUENCES, KV_IN_FLIGHT, KV_BUDGET, MEMORY_IN_USE,
        MEMORY_BUDGET, TOKENS_GENERATED, CACHE_HITS, CACHE_MISSES, COMPLETED, MODEL_LOADED, MODEL_READY);
  }
}
