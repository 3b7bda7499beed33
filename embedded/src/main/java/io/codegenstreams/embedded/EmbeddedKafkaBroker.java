package io.codegenstreams.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), in this JVM.
 *
 * <p>Storage is formatted once with Kafka's own {@link Formatter} and kept under the data directory, so a
 * restart on the same directory keeps topics, committed offsets and transactions. It binds to 127.0.0.1 only.
 * One node means every internal topic runs with replication factor 1 and min ISR 1; without
 * {@code transaction.state.log.min.isr=1} exactly-once Streams applications never leave REBALANCING.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_PORT_FILE = "controller.port";
  /**
   * Transactions v1 (KIP-98). With v2 (KIP-890) on this single node, the first batches of every transaction of an
   * exactly-once Streams producer are refused once with a retriable OutOfOrderSequenceException (KAFKA-18202) and
   * retried after retry.backoff.ms, which adds that back-off to commit latency. Production clusters choose their own.
   */
  private static final short TRANSACTION_VERSION = 1;

  private final Path logDir;
  private final int port;
  private final String portSetting;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;
  private int controllerPort;
  private int boundPort;

  /**
   * @param dataDir where the broker keeps its log directory; created when missing
   * @param port the client port on 127.0.0.1 ({@code 0} picks a free one)
   * @param portSetting the user-facing setting that chooses the port, named in the error when it is taken
   * @param overrides extra broker properties, applied last
   */
  public EmbeddedKafkaBroker(Path dataDir, int port, String portSetting, Map<String, String> overrides) {
    this.logDir = dataDir.resolve("kafka").toAbsolutePath();
    this.port = port;
    this.portSetting = portSetting;
    this.overrides = Map.copyOf(overrides);
  }

  public EmbeddedKafkaBroker(Path dataDir, int port) {
    this(dataDir, port, "the broker port", Map.of());
  }

  /** Formats storage when new, starts the broker and waits until it answers an admin request. */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    int clientPort = port == 0 ? Ports.pickFree() : port;
    Ports.requireFree(clientPort, portSetting);
    try {
      Files.createDirectories(logDir);
      controllerPort = controllerPort();
      KafkaConfig config = new KafkaConfig(brokerProperties(clientPort, controllerPort), false);
      format(config);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      boundPort = clientPort;
      awaitReady(Duration.ofSeconds(60));
      log.info("Kafka broker (KRaft, node {}) listening on {} with data in {}", NODE_ID, bootstrapServers(), logDir);
      return this;
    } catch (IOException e) {
      throw new EmbeddedRuntimeException("Cannot use Kafka data directory " + logDir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly();
      if (e instanceof EmbeddedRuntimeException) {
        throw e;
      }
      throw new EmbeddedRuntimeException("Kafka broker failed to start: " + e.getMessage(), e);
    }
  }


  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    if (server == null) {
      throw new IllegalStateException("broker not started");
    }
    return Ports.LOOPBACK + ":" + boundPort;
  }

  public Path logDir() {
    return logDir;
  }

  /** The controller port is kept in the data directory so a restarted node finds its quorum where it was. */
  private int controllerPort() throws IOException {
    Path file = logDir.getParent().resolve(CONTROLLER_PORT_FILE);
    if (Files.exists(file)) {
      int previous = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
      try {
        Ports.requireFree(previous, "the controller port");
        return previous;
      } catch (PortInUseException taken) {
        log.warn("Controller port {} from a previous run is taken; using a new one", previous);
      }
    }
    int chosen = Ports.pickFree();
    Files.writeString(file, Integer.toString(chosen), StandardCharsets.US_ASCII);
    return chosen;
  }

  private Properties brokerProperties(int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + clientPort + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "10");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Small segments and a short cleaner back-off let compaction of the results topic be observed locally.
    p.put("log.cleaner.backoff.ms", "5000");
    p.putAll(overrides);
    return p;
  }

  private void format(KafkaConfig config) throws IOException {
    String clusterId = existingClusterId().orElseGet(() -> Uuid.randomUuid().toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(print)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(config.metadataLogDir())
          .addDirectory(logDir.toString())
          .setIgnoreFormatted(true)
          .setFeatureLevel("transaction.version", TRANSACTION_VERSION)
          .run();
    } catch (Exception e) {
      throw new EmbeddedRuntimeException("Cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
    log.debug("storage format: {}", out.toString(StandardCharsets.UTF_8).trim());
  }

  private java.util.Optional<String> existingClusterId() throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (!Files.exists(meta)) {
      return java.util.Optional.empty();
    }
    Properties properties = new Properties();
    try (var in = Files.newInputStream(meta)) {
      properties.load(in);
    }
    return java.util.Optional.ofNullable(properties.getProperty("cluster.id"));
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new EmbeddedRuntimeException("Kafka broker did not become ready within " + timeout, e);
          }
        }
        sleep(100);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedRuntimeException("interrupted while waiting for the broker", e);
    }
  }

  /** Stops the broker cleanly; its data stays in the data directory for the next start. */
  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka broker shutdown failed: {}", e.toString());
    } finally {
      server = null;
    }
  }
}
