package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codegen run} on its embedded defaults (broker, registry and pipeline in one process), stopped the ways a
 * machine stops it: SIGKILL of the whole process while another process keeps the cores busy, then a restart on the
 * same data directory; SIGTERM while the model warms up and while decode steps run.
 */
@Tag("integration")
class EmbeddedCrashRecoveryIT {
  private static final int REQUESTS = 450;
  /** A stall detector, not a speed check: a pipeline that waits on something unbounded never gets here. */
  private static final Duration RUNNING_BOUND = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void shouldAnswerEveryRequestOnceWhenTheWholeEmbeddedProcessIsKilledOnABusyMachine() throws Exception {
    String[] run = run(Files.writeString(dir.resolve("pipeline.properties"), "warmup.batch.sizes=1\nbatch.max.size=8\n"
        + "lane.high.max.wait.ms=600000\nlane.normal.max.wait.ms=600000\nlane.low.max.wait.ms=600000\n"
        + "lane.high.deadline.ms=900000\nlane.normal.deadline.ms=900000\nlane.low.deadline.ms=900000\n"));
    int committedBeforeKill;
    Process hog = new ProcessBuilder(javaCommand(CpuHog.class.getName(), "4")).redirectErrorStream(true)
        .redirectOutput(dir.resolve("hog.out").toFile()).start();
    try {
      try (CodegenProcess first = CodegenProcess.start(dir, dir.resolve("logs"), "first", run)) {
        first.awaitOutput("codegen-streams is up", RUNNING_BOUND);
        send(REQUESTS, 32);
        try (KafkaConsumer<String, CodeGenResult> results = resultConsumer()) {
          committedBeforeKill = KafkaFixture.pollUntil(results, Duration.ofMinutes(5),
              read -> read.size() >= REQUESTS / 3).size();
        }
        assertThat(committedBeforeKill).as("killed in the middle of the load").isBetween(1, REQUESTS - 1);
        first.kill();
      }
      long restarted = System.nanoTime();
      try (CodegenProcess second = CodegenProcess.start(dir, dir.resolve("logs"), "second", run)) {
        second.awaitLog("pipeline REBALANCING -> RUNNING", RUNNING_BOUND);
        Duration toRunning = Duration.ofNanos(System.nanoTime() - restarted);
        Map<String, List<CodeGenResult>> byId = allResults(REQUESTS);
        assertThat(byId).as("every request answered").hasSize(REQUESTS);
        assertThat(byId.values()).allSatisfy(list -> {
          assertThat(list).as("exactly one committed result per request").hasSize(1);
          assertThat(list.get(0).getStatus()).isEqualTo(ResultStatus.OK);
        });
        assertThat(second.terminate(Duration.ofSeconds(90))).isIn(0, 143);
        int served = servedRequests(second.stderr());
        System.out.printf("embedded crash recovery under CPU load: %d of %d committed before SIGKILL; restart to"
            + " RUNNING in %.1f s; the restarted process ran %d%n", committedBeforeKill, REQUESTS,
            toRunning.toMillis() / 1000.0, served);
        assertThat(served).as("no request inferred twice: the restart ran only what had no committed result")
            .isLessThanOrEqualTo(REQUESTS - committedBeforeKill);
      }
    } finally {
      hog.destroyForcibly();
    }
    assertNoCrashReport();
  }

  @Test
  void shouldExitCleanlyWhenStoppedDuringTheModelsWarmUp() throws Exception {
    StringBuilder sizes = new StringBuilder("1");
    for (int s = 2; s <= 64; s++) {
      sizes.append(',').append(s);
    }
    // a warm-up of thousands of steps: the SIGTERM lands in it whatever the machine's speed
    String[] run = run(Files.writeString(dir.resolve("pipeline.properties"),
        "batch.max.size=64\nwarmup.steps=100\nwarmup.batch.sizes=" + sizes + "\n"));
    try (CodegenProcess codegen = CodegenProcess.start(dir, dir.resolve("logs"), "warmup", run)) {
      codegen.awaitLog("warming up at batch sizes", RUNNING_BOUND);
      assertThat(codegen.terminate(Duration.ofSeconds(90))).as(codegen.stderr()).isEqualTo(143);
      assertThat(codegen.stderr()).contains("stopped: the engine is closing").doesNotContain("codegen-streams is up");
    }
    assertNoCrashReport();
  }

  @Test
  void shouldExitCleanlyWhenStoppedWhileDecodeStepsRun() throws Exception {
    String[] run = run(Files.writeString(dir.resolve("pipeline.properties"), "warmup.batch.sizes=1\n"));
    try (CodegenProcess codegen = CodegenProcess.start(dir, dir.resolve("logs"), "decode", run)) {
      codegen.awaitOutput("codegen-streams is up", RUNNING_BOUND);
      send(120, 200);
      try (KafkaConsumer<String, CodeGenResult> results = resultConsumer()) {
        // the first result is out while the other 119 are still decoding
        assertThat(KafkaFixture.pollUntil(results, Duration.ofMinutes(5), read -> !read.isEmpty())).isNotEmpty();
      }
      assertThat(codegen.terminate(Duration.ofSeconds(90))).as(codegen.stderr()).isIn(0, 143);
      assertThat(codegen.stderr()).contains("engine served");
    }
    assertNoCrashReport();
  }

  // ------------------------------------------------------------------ helpers

  private int brokerPort;
  private int registryPort;

  private String[] run(Path config) throws IOException {
    brokerPort = freePort();
    registryPort = freePort();
    return new String[] {"run", "--data-dir", dir.resolve("data").toString(), "--broker-port",
        String.valueOf(brokerPort), "--registry-port", String.valueOf(registryPort), "--metrics-port", "0",
        "--config", config.toString()};
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> javaCommand(String main, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main));
    command.addAll(List.of(args));
    return command;
  }

  private Map<String, Object> clients() {
    return Map.of("bootstrap.servers", "127.0.0.1:" + brokerPort);
  }

  private Map<String, Object> serde() {
    return Map.of("schema.registry.url", "http://127.0.0.1:" + registryPort);
  }

  private void send(int count, int tokens) {
    Map<String, Object> props = new HashMap<>(clients());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serde(), false);
    try (KafkaProducer<String, CodeGenRequest> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
      for (int i = 0; i < count; i++) {
        String id = "kill-" + i;
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, CodeGenRequest.newBuilder().setRequestId(id)
            .setPrompt("public int max(int a, int b) {").setPriority(Priority.values()[i % 3])
            .setMaxNewTokens(tokens).setCreatedAt(Instant.now()).build()));
      }
    }
  }

  private KafkaConsumer<String, CodeGenResult> resultConsumer() {
    Map<String, Object> props = new HashMap<>(clients());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SpecificAvroDeserializer<CodeGenResult> values = new SpecificAvroDeserializer<>(CodeGenResult.class);
    values.configure(serde(), false);
    KafkaConsumer<String, CodeGenResult> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    List<TopicPartition> partitions = consumer.partitionsFor(CodegenTopics.RESULTS).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private Map<String, List<CodeGenResult>> allResults(int expected) {
    try (KafkaConsumer<String, CodeGenResult> consumer = resultConsumer()) {
      List<ConsumerRecord<String, CodeGenResult>> read = new ArrayList<>(KafkaFixture.pollUntil(consumer,
          Duration.ofMinutes(10), records -> records.stream().map(ConsumerRecord::key).distinct().count() >= expected));
      read.addAll(KafkaFixture.pollUntil(consumer, Duration.ofSeconds(2), records -> false));
      return read.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
          Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
    }
  }

  private static int servedRequests(String log) {
    Matcher m = Pattern.compile("engine served (\\d+) requests").matcher(log);
    assertThat(m.find()).as("the engine's count in the log:\n" + log).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The JVM writes hs_err_pid*.log into its working directory when native code crashes it. */
  private void assertNoCrashReport() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
    }
  }
}
