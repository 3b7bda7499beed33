package io.codegenstreams.app;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.TopicSpec;
import io.codegenstreams.embedded.registry.EmbeddedSchemaRegistry;
import io.codegenstreams.gateway.CompletionGateway;
import io.codegenstreams.gateway.GatewaySettings;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.CodegenTopics;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.TopicCheck;
import io.codegenstreams.topology.TopologyConfig;
import io.codegenstreams.topology.metrics.CodegenMetrics;
import io.codegenstreams.topology.metrics.MetricsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running system: the embedded broker and registry (or an existing cluster), the topics, the registered
 * schemas. Closing it stops what it started, in reverse order.
 *
 * <p>{@link #close()} may run at any moment, from another thread, while {@link #start()} is still on its way (a
 * SIGTERM during the model's warm-up): it stops what is already running, the engine waits for its loads and decode
 * steps before it frees native memory, and {@code start()} then ends with {@link StackClosedException} instead of
 * starting anything more.
 */
public final class CodegenStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodegenStack.class);

  /**
   * What {@code codegen run} was asked for.
   *
   * @param metricsHost address the {@code /metrics} and {@code /health/*} endpoint binds
   * @param metricsPort its port (0: any free port)
   */
  public record Settings(ConnectionOptions connection, Path dataDir, int brokerPort, int registryPort,
                         int partitions, Duration idempotencyWindow, Map<String, String> config,
                         String metricsHost, int metricsPort, GatewayOptions gateway, boolean pipeline) {}

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Path dataDir;
  private final boolean embedded;
  private final Map<String, Object> clientProperties;
  private final Settings settings;
  private boolean closed;
  private String bootstrapServers;
  private String schemaRegistryUrl;
  private List<TopicSpec> topics;
  private InferenceEngine engine;
  private volatile CodegenPipeline pipeline;
  private MetricsServer metricsServer;
  private CompletionGateway gateway;

  /** Thrown by {@link #start()} when {@link #close()} ran before it finished. */
  public static final class StackClosedException extends IllegalStateException {
    StackClosedException() {
      super("codegen-streams was stopped while it was starting");
    }
  }

  /** A stack that has started nothing yet; {@link #start()} starts it. */
  public CodegenStack(Settings settings) {
    this.settings = settings;
    this.dataDir = settings.dataDir().toAbsolutePath();
    this.embedded = !settings.connection().external();
    this.clientProperties = settings.connection().clientProperties();
  }

  /**
   * Starts the broker and registry (embedded) or connects to the cluster, creates the topics, registers the
   * schemas, loads and warms the default model and starts the pipeline; on failure stops what it started.
   *
   * @throws StackClosedException if {@link #close()} ran meanwhile
   */
  public CodegenStack start() {
    MetricsServer.preferNoDelay(); // before the embedded registry starts the JVM's first HTTP server
    try {
      checkPortsFree(settings);
      startInfrastructure(settings);
      Map<String, Object> topologyProps = new HashMap<>(settings.config());
      topologyProps.putIfAbsent(TopologyConfig.IDEMPOTENCY_WINDOW_MS, settings.idempotencyWindow().toMillis());
      TopologyConfig topologyConfig = new TopologyConfig(topologyProps);
      topics = CodegenTopics.specs(topologyConfig, settings.partitions(),
          Duration.ofMillis(topologyConfig.getLong(TopologyConfig.IDEMPOTENCY_WINDOW_MS)));
      TopicCreator.ensure(adminProperties(), topics);
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(adminProperties())) {
        TopicCheck.verify(admin, topologyConfig);
      }
      SchemaBootstrap.registerContracts(schemaRegistryUrl, clientProperties, topologyConfig);
      if (!settings.pipeline()) {
        log.info("pipeline not started (--no-pipeline): the broker and registry run alone, e.g. to reset the"
            + " pipeline's consumer group for a replay");
        return this;
      }
      startPipeline(topologyConfig, settings);
      if (settings.gateway() != null) {
        startGateway(topologyConfig, settings.gateway());
      }
      return this;
    } catch (RuntimeException e) {
      boolean stopped = isClosed();
      close();
      if (stopped && !(e instanceof StackClosedException)) {
        log.debug("start-up ended by close: {}", e.toString());
        throw new StackClosedException();
      }
      throw e;
    }
  }

  /** Adds a started resource to those {@link #close()} stops; closes it at once if the stack is closed. */
  private synchronized <T extends AutoCloseable> T register(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new StackClosedException();
    }
    started.push(resource);
    return resource;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private record Bind(String host, int port, String flag) {}

  /** Every port this stack will bind, checked before anything starts: a taken one fails at once, naming its flag. */
  private void checkPortsFree(Settings settings) {
    List<Bind> binds = new java.util.ArrayList<>();
    if (embedded) {
      binds.add(new Bind("127.0.0.1", settings.brokerPort(), "--broker-port"));
      binds.add(new Bind("127.0.0.1", settings.registryPort(), "--registry-port"));
    }
    if (settings.pipeline()) {
      binds.add(new Bind(settings.metricsHost(), settings.metricsPort(), "--metrics-port"));
      if (settings.gateway() != null) {
        binds.add(new Bind(settings.gateway().host(), settings.gateway().port(), "--gateway-port"));
      }
    }
    for (Bind b : binds) {
      if (b.port() == 0) {
        continue;
      }
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(b.host()), b.port()));
      } catch (java.io.IOException e) {
        throw new io.codegenstreams.embedded.PortInUseException(b.host(), b.port(), b.flag());
      }
    }
  }

  private void startInfrastructure(Settings settings) {
    if (!embedded) {
      bootstrapServers = settings.connection().bootstrapServers();
      schemaRegistryUrl = settings.connection().schemaRegistryUrl();
      return;
    }
    EmbeddedKafkaBroker broker =
        register(new EmbeddedKafkaBroker(dataDir, settings.brokerPort(), "--broker-port", Map.of()).start());
    bootstrapServers = broker.bootstrapServers();
    EmbeddedSchemaRegistry registry =
        register(new EmbeddedSchemaRegistry(bootstrapServers, settings.registryPort(), "--registry-port").start());
    schemaRegistryUrl = registry.url();
  }

  private void startPipeline(TopologyConfig topologyConfig, Settings settings) {
    EngineConfig engineConfig = new EngineConfig(settings.config());
    log.info("starting the inference engine ({}, default model {}); the pipeline takes traffic once it is warm",
        engineConfig.getString(EngineConfig.ENGINE), engineConfig.getString(EngineConfig.DEFAULT_MODEL));
    long engineCreated = System.nanoTime();
    engine = register(InferenceEngines.create(engineConfig));
    // Metrics and probes first: they answer (not ready) while the default model warms up.
    CodegenMetrics metrics = CodegenMetrics.create(engine, engineConfig, this::pipelineState)
        .timeStartup(engine, engineCreated);
    metricsServer = register(metrics.serve(settings.metricsHost(), settings.metricsPort(), "--metrics-port"));
    String url = metricsServer.url();
    log.info("metrics on {}{}, probes on {}{} and {}{}", url, MetricsServer.METRICS_PATH, url, MetricsServer.LIVE_PATH,
        url, MetricsServer.READY_PATH);
    ModelCatalog models = new ModelCatalog(engineConfig.models().keySet(), engineConfig.getString(EngineConfig.DEFAULT_MODEL));
    try {
      CodegenPipeline.start(new CodegenPipeline.Settings(topologyConfig, clientProperties(), schemaRegistryUrl,
          dataDir.resolve("streams"), Map.of()), engine, models, metrics.pipelineListener(),
          Duration.ofMillis(topologyConfig.getLong(TopologyConfig.STARTUP_TIMEOUT_MS)),
          running -> pipeline = register(running));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the pipeline", e);
    }
  }

  private void startGateway(TopologyConfig topologyConfig, GatewayOptions options) {
    EngineConfig engineConfig = new EngineConfig(settings.config());
    try {
      gateway = register(CompletionGateway.start(new GatewaySettings(options.host(), options.port(),
          topologyConfig.getString(TopologyConfig.REQUESTS_TOPIC), topologyConfig.getString(TopologyConfig.RESULTS_TOPIC),
          topologyConfig.getString(TopologyConfig.STREAM_TOPIC), clientProperties(), schemaRegistryUrl,
          List.copyOf(engineConfig.models().keySet()), engineConfig.getString(EngineConfig.DEFAULT_MODEL),
          options.apiKeys(), options.maxWait(), () -> pipelineState() == KafkaStreams.State.RUNNING)));
    } catch (StackClosedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the gateway did not start on " + options.host() + ":" + options.port()
          + " (--gateway-port, --gateway-host; --no-gateway runs without it): " + e.getMessage(), e);
    }
  }

  public String applicationId() {
    return new TopologyConfig(settings.config()).getString(TopologyConfig.APPLICATION_ID);
  }

  public String requestsTopic() {
    return new TopologyConfig(settings.config()).getString(TopologyConfig.REQUESTS_TOPIC);
  }

  public String gatewayHost() {
    return settings.gateway() == null ? null : settings.gateway().host();
  }

  /** The OpenAI-compatible gateway, or null when it was not started ({@code --no-gateway}). */
  public CompletionGateway gateway() {
    return gateway;
  }

  private KafkaStreams.State pipelineState() {
    CodegenPipeline running = pipeline;
    return running == null ? null : running.state();
  }

  /** The {@code /metrics} and {@code /health/*} endpoint. */
  public MetricsServer metricsServer() {
    return metricsServer;
  }

  public InferenceEngine engine() {
    return engine;
  }

  public CodegenPipeline pipeline() {
    return pipeline;
  }

  /** Properties every Kafka client of this stack starts from: bootstrap servers plus the pass-through file. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  private Map<String, Object> adminProperties() {
    return clientProperties();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String schemaRegistryUrl() {
    return schemaRegistryUrl;
  }

  public boolean embedded() {
    return embedded;
  }

  public Path dataDir() {
    return dataDir;
  }

  public List<String> topics() {
    return topics.stream().map(TopicSpec::name).toList();
  }

  @Override
  public synchronized void close() {
    boolean first = !closed;
    closed = true;
    if (first && engine != null) {
      var stats = engine.stats();
      log.info("engine served {} requests ({} tokens, {} decode steps) in this process", stats.requestsCompleted(),
          stats.tokensGenerated(), stats.inferences());
    }
    while (!started.isEmpty()) {
      closeQuietly(started.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("stopping {} failed: {}", resource.getClass().getSimpleName(), e.toString());
    }
  }
}
