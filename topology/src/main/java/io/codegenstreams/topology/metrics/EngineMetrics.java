package io.codegenstreams.topology.metrics;

import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.Priority;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * The engine's events as metrics, fed by {@link EngineListener} callbacks on engine threads (the decode thread for
 * {@link #onBatchStep}): each call is a counter increment or a histogram observation, nothing blocks.
 *
 * <p>The engine reports model names it was configured with, so {@code model_type} is bounded. Free-text reasons
 * the engine passes (a rejection's message, a step failure's exception text) are not used as labels.
 */
public final class EngineMetrics implements EngineListener {
  public static final String BATCH_SIZE = "code_gen_batch_size";
  public static final String EXECUTED_BATCH_SIZE = "code_gen_executed_batch_size";
  public static final String DECODE_STEP = "code_gen_decode_step_seconds";
  public static final String PROMPT_TOKENS = "code_gen_prompt_tokens_total";
  public static final String ENGINE_REJECTED = "code_gen_engine_rejected_total";
  public static final String TIMEOUTS = "code_gen_timeouts_total";
  public static final String STEP_FAILURES = "code_gen_step_failures_total";
  public static final String MODEL_LOAD = "code_gen_model_load_seconds";
  public static final String MODEL_WARMUP = "code_gen_model_warmup_seconds";
  public static final String MODEL_EVICTIONS = "code_gen_model_evictions_total";

  /** Powers of two up to the largest {@code batch.max.size} worth running on one node. */
  static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  private static final double[] STEP_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final Gauge batchSize;
  private final Histogram executedBatchSize;
  private final Histogram decodeStep;
  private final Counter promptTokens;
  private final Counter engineRejected;
  private final Counter timeouts;
  private final Counter stepFailures;
  private final Gauge modelLoad;
  private final Gauge modelWarmup;
  private final Counter evictions;

  /** @param models the declared models: their counters start at 0, so rates and alerts work before any event */
  public EngineMetrics(PrometheusRegistry registry, Set<String> models) {
    batchSize = Gauge.builder().name(BATCH_SIZE)
        .help("Sequences in the most recent decode step of each model (the article's batch_size; it keeps its last"
            + " value while the model is idle, see code_gen_inflight_sequences for now).")
        .labelNames("model_type").register(registry);
    executedBatchSize = Histogram.builder().name(EXECUTED_BATCH_SIZE)
        .help("Sequences per executed decode step; _count is the number of steps, _sum the sequence-steps run.")
        .labelNames("model_type").classicUpperBounds(BATCH_BUCKETS).classicOnly().register(registry);
    decodeStep = Histogram.builder().name(DECODE_STEP)
        .help("Wall time of one decode step (prefill included when the step had new sequences).")
        .labelNames("model_type").classicUpperBounds(STEP_BUCKETS).classicOnly().register(registry);
    promptTokens = Counter.builder().name(PROMPT_TOKENS)
        .help("Prompt tokens prefilled.").labelNames("model_type").register(registry);
    engineRejected = Counter.builder().name(ENGINE_REJECTED)
        .help("Submits the engine refused because a bounded queue was full; the topology keeps such requests"
            + " buffered and retries, so these are back-pressure, not lost requests.")
        .labelNames("model_type", "lane").register(registry);
    timeouts = Counter.builder().name(TIMEOUTS)
        .help("Requests the engine completed with TIMEOUT, by phase: waiting (never ran) or running (partial text).")
        .labelNames("model_type", "lane", "phase").register(registry);
    stepFailures = Counter.builder().name(STEP_FAILURES)
        .help("Decode steps that failed; their batch was split and retried.").labelNames("model_type")
        .register(registry);
    modelLoad = Gauge.builder().name(MODEL_LOAD)
        .help("How long the model's last load took (reading weights, creating the session).")
        .labelNames("model_type").register(registry);
    modelWarmup = Gauge.builder().name(MODEL_WARMUP)
        .help("How long the model's last warm-up took (the warmup.batch.sizes steps).")
        .labelNames("model_type").register(registry);
    evictions = Counter.builder().name(MODEL_EVICTIONS)
        .help("Models evicted from the model cache (to make room, or on close).").labelNames("model_type")
        .register(registry);
    for (String model : models) {
      stepFailures.labelValues(model).inc(0);
      evictions.labelValues(model).inc(0);
      for (Priority lane : Priority.values()) {
        engineRejected.labelValues(model, LabelValues.lane(lane)).inc(0);
        timeouts.labelValues(model, LabelValues.lane(lane), "waiting").inc(0);
        timeouts.labelValues(model, LabelValues.lane(lane), "running").inc(0);
      }
    }
  }

  @Override
  public void onBatchStep(String model, int batchSize, int newTokens, int prefillTokens, long nanos) {
    this.batchSize.labelValues(model).set(batchSize);
    executedBatchSize.labelValues(model).observe(batchSize);
    decodeStep.labelValues(model).observe(LabelValues.secondsFromNanos(nanos));
    if (prefillTokens > 0) {
      promptTokens.labelValues(model).inc(prefillTokens);
    }
  }

  @Override
  public void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
    modelLoad.labelValues(model).set(LabelValues.secondsFromNanos(loadNanos));
    modelWarmup.labelValues(model).set(LabelValues.secondsFromNanos(warmupNanos));
  }

  @Override
  public void onModelEvicted(String model, String reason) {
    evictions.labelValues(model).inc();
  }

  @Override
  public void onRejected(String model, Priority priority, String reason) {
    engineRejected.labelValues(model, LabelValues.lane(priority)).inc();
  }

  @Override
  public void onTimeout(String model, Priority priority, boolean whileWaiting) {
    timeouts.labelValues(model, LabelValues.lane(priority), whileWaiting ? "waiting" : "running").inc();
  }

  @Override
  public void onStepFailure(String model, int batchSize, String reason) {
    stepFailures.labelValues(model).inc();
  }
}
