package io.codegenstreams.topology.metrics;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.topology.PipelineListener;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Everything one instance exposes, wired together: a registry of its own (not the global default, so tests and
 * several pipelines in one JVM do not collide) holding the pipeline's and the engine's metrics, the engine's stats,
 * readiness, and Kafka's JMX metrics; plus the health check the HTTP server answers probes with.
 *
 * <pre>
 *   CodegenMetrics metrics = CodegenMetrics.create(engine, engineConfig, () -&gt; pipelineState());
 *   CodegenPipeline.start(..., engine, models, metrics.pipelineListener(), ...);
 *   MetricsServer server = metrics.serve("127.0.0.1", 9404, "--metrics-port");
 * </pre>
 */
public final class CodegenMetrics {
  public static final String ENGINE_STARTUP = "code_gen_engine_startup_seconds";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PipelineMetrics pipeline;
  private final HealthCheck health;

  private CodegenMetrics(InferenceEngine engine, EngineConfig config, Supplier<KafkaStreams.State> streamsState,
                         boolean kafkaJmx) {
    Map<Priority, Integer> capacity = queueCapacity(config);
    String defaultModel = config.getString(EngineConfig.DEFAULT_MODEL);
    pipeline = new PipelineMetrics(registry, config.models().keySet());
    engine.addListener(new EngineMetrics(registry, config.models().keySet()));
    registry.register(new EngineStatsCollector(engine, capacity, config.models().keySet(), defaultModel));
    health = new HealthCheck(engine, capacity, streamsState);
    GaugeWithCallback.builder().name(HealthCheck.READY_METRIC)
        .help("1 when this instance is ready (the default model warm, Kafka Streams RUNNING, no engine queue at"
            + " capacity), else 0: what /health/ready answers.")
        .callback(callback -> callback.call(health.readiness().up() ? 1 : 0))
        .register(registry);
    if (kafkaJmx) {
      KafkaJmxMetrics.register(registry);
    }
  }

  /**
   * Registers the engine listener and the collectors. Create it right after the engine, before the pipeline, so
   * that warm-up is observed and probes answer during it.
   *
   * @param streamsState the Kafka Streams client's state, {@code null} until the pipeline exists
   */
  public static CodegenMetrics create(InferenceEngine engine, EngineConfig config,
                                      Supplier<KafkaStreams.State> streamsState) {
    return new CodegenMetrics(engine, config, streamsState, true);
  }

  /** Without the Kafka JMX collector: for tests that check the application's own series. */
  static CodegenMetrics withoutKafkaJmx(InferenceEngine engine, EngineConfig config,
                                        Supplier<KafkaStreams.State> streamsState) {
    return new CodegenMetrics(engine, config, streamsState, false);
  }

  /**
   * Records {@value #ENGINE_STARTUP} when the engine becomes ready: the time from {@code createdNanos} (a
   * {@link System#nanoTime()} taken just before the engine was created) to its default model being warm.
   */
  public CodegenMetrics timeStartup(InferenceEngine engine, long createdNanos) {
    Gauge startup = Gauge.builder().name(ENGINE_STARTUP)
        .help("Seconds from creating the engine to its default model being loaded and warmed up.")
        .register(registry);
    engine.whenReady().thenRun(() ->
        startup.set((System.nanoTime() - createdNanos) / (double) TimeUnit.SECONDS.toNanos(1)));
    return this;
  }

  public PipelineListener pipelineListener() {
    return pipeline;
  }

  public HealthCheck health() {
    return health;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Starts the HTTP server for {@code /metrics}, {@code /health/live} and {@code /health/ready}.
   *
   * @param portSetting the option that chooses the port, named in the error when the port is taken
   */
  public MetricsServer serve(String host, int port, String portSetting) {
    return MetricsServer.start(host, port, portSetting, registry, health);
  }

  static Map<Priority, Integer> queueCapacity(EngineConfig config) {
    Map<Priority, Integer> capacity = new EnumMap<>(Priority.class);
    capacity.put(Priority.HIGH, config.getInt(EngineConfig.QUEUE_CAPACITY_HIGH));
    capacity.put(Priority.NORMAL, config.getInt(EngineConfig.QUEUE_CAPACITY_NORMAL));
    capacity.put(Priority.LOW, config.getInt(EngineConfig.QUEUE_CAPACITY_LOW));
    return capacity;
  }
}
