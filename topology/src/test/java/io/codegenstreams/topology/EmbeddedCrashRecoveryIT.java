package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Disabled;
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
  @Disabled("open defect: a restart after SIGKILL can stay REBALANCING while one results partition keeps a pending"
      + " transactional offset commit (UNSTABLE_OFFSET_COMMIT on every committed-offset fetch for minutes), seen in one"
      + " of two runs on a busy machine; enable once the restart is bounded")
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
        try (KafkaConsumer<String, CodeGenResult> results = clients().resultConsumer()) {
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
        Map<String, List<CodeGenResult>> byId = clients().allResults(REQUESTS, Duration.ofMinutes(10));
        assertThat(byId).as("every request answered").hasSize(REQUESTS);
        assertThat(byId.values()).allSatisfy(list -> {
          assertThat(list).as("exactly one committed result per request").hasSize(1);
          assertThat(list.get(0).getStatus()).isEqualTo(ResultStatus.OK);
        });
        assertThat(second.terminate(Duration.ofSeconds(90))).isIn(0, 143);
        int served = CodegenProcess.servedRequests(second.stderr());
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
      try (KafkaConsumer<String, CodeGenResult> results = clients().resultConsumer()) {
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
        String.valueOf(brokerPort), "--registry-port", String.valueOf(registryPort), "--metrics-port", "0", "--gateway-port", "0",
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

  private KafkaClients clients() {
    return new KafkaClients("127.0.0.1:" + brokerPort, "http://127.0.0.1:" + registryPort);
  }

  private void send(int count, int tokens) {
    try (KafkaProducer<String, CodeGenRequest> producer = clients().requestProducer()) {
      for (int i = 0; i < count; i++) {
        String id = "kill-" + i;
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, CodeGenRequest.newBuilder().setRequestId(id)
            .setPrompt("public int max(int a, int b) {").setPriority(Priority.values()[i % 3])
            .setMaxNewTokens(tokens).setCreatedAt(Instant.now()).build()));
      }
    }
  }

  /** The JVM writes hs_err_pid*.log into its working directory when native code crashes it. */
  private void assertNoCrashReport() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
    }
  }
}
