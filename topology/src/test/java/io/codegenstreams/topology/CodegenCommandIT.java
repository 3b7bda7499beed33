package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.app.CodegenCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code codegen run} as its own process on embedded defaults, driven by {@code codegen submit} as a user would. */
@Tag("integration")
class CodegenCommandIT {

  @TempDir Path dir;

  private record Outcome(int exitCode, String out, String err) {}

  private static Outcome codegen(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CodegenCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void shouldServeSubmittedRequestsWhenRunStartsTheEmbeddedStack() throws Exception {
    Path config = Files.writeString(dir.resolve("tiny.properties"),
        "models=java-coder-tiny\ndefault.model=java-coder-tiny\nwarmup.batch.sizes=1\n");
    long started = System.nanoTime();
    try (CodegenProcess run = CodegenProcess.start(dir.resolve("logs"), "run", "run", "--data-dir",
        dir.resolve("data").toString(), "--broker-port", "0", "--registry-port", "0", "--metrics-port", "0", "--gateway-port", "0",
        "--config", config.toString())) {
      run.awaitOutput("Ctrl-C stops it.", Duration.ofMinutes(2));
      System.out.printf("codegen run: up in %.1f s (process start to banner)%n", (System.nanoTime() - started) / 1e9);
      String banner = run.stdout();
      String bootstrap = find(banner, "kafka\\s+(\\S+)");
      String registry = find(banner, "schema registry\\s+(\\S+)");
      assertThat(banner).as("the hints carry the ports it was started with")
          .contains("./codegen submit --bootstrap-servers " + bootstrap + " --schema-registry-url " + registry);
      String gateway = find(banner, "gateway\\s+(\\S+)");
      java.net.http.HttpResponse<String> models = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway + "/models")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(models.body()).as("the gateway of codegen run").contains("\"id\":\"java-coder-tiny\"");

      Outcome first = codegen("submit", "public int max(int a, int b) {", "--request-id", "cli-1", "--max-new-tokens", "8",
          "--bootstrap-servers", bootstrap, "--schema-registry-url", registry, "--timeout", "60s");
      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("-- OK | request cli-1 | model java-coder-tiny").contains("8 tokens (length)");

      Outcome repeat = codegen("submit", "public int max(int a, int b) {", "--request-id", "cli-1", "--json",
          "--bootstrap-servers", bootstrap, "--schema-registry-url", registry);
      assertThat(repeat.exitCode()).isZero();
      assertThat(repeat.out()).contains("\"request_id\":\"cli-1\"").contains("\"cached\":true");

      Outcome rejected = codegen("submit", "x", "--max-new-tokens", "100000",
          "--bootstrap-servers", bootstrap, "--schema-registry-url", registry);
      assertThat(rejected.exitCode()).isEqualTo(1);
      assertThat(rejected.out()).contains("REJECTED: max_new_tokens 100000 is out of range");

      assertThat(run.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    }
  }

  @Test
  void shouldExitWithOneLineNamingTheOptionWhenTheBrokerPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Outcome outcome = codegen("run", "--data-dir", dir.resolve("data").toString(),
          "--broker-port", Integer.toString(taken.getLocalPort()));

      assertThat(outcome.exitCode()).isEqualTo(1);
      assertThat(outcome.err().strip()).doesNotContain("\n")
          .contains("Port " + taken.getLocalPort()).contains("--broker-port");
    }
  }

  @Test
  void shouldNameTheGatewayPortBeforeStartingAnythingWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      long started = System.nanoTime();
      Outcome outcome = codegen("run", "--data-dir", dir.resolve("data-gw").toString(), "--broker-port", "0",
          "--registry-port", "0", "--metrics-port", "0", "--gateway-port", Integer.toString(taken.getLocalPort()));

      assertThat(outcome.exitCode()).isEqualTo(1);
      assertThat(outcome.err().strip()).doesNotContain("\n").contains("Port " + taken.getLocalPort())
          .contains("--gateway-port");
      assertThat(dir.resolve("data-gw").resolve("streams")).as("no pipeline was started").doesNotExist();
      System.out.printf("codegen run with a taken --gateway-port: exit 1 after %.1f s%n",
          (System.nanoTime() - started) / 1e9);
    }
  }

  @Test
  void shouldNameTheAddressAndTheFlagWhenTheBrokerIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closed = free.getLocalPort(); // nothing listens there once it is closed
    }
    Outcome outcome = codegen("submit", "int x =", "--bootstrap-servers", "127.0.0.1:" + closed);

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.err()).contains("127.0.0.1:" + closed).contains("--bootstrap-servers");
  }

  @Test
  void shouldExitWithUsageCodeWhenAnOptionIsUnknown() {
    Outcome outcome = codegen("submit", "x", "--no-such-option");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("Unknown option: '--no-such-option'");
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /**
   * The README's replay recipe on the embedded default: stop, start with --no-pipeline, move the pipeline's group
   * back (what kafka-consumer-groups --reset-offsets --to-earliest does, here through the Admin API), stop, start.
   * The replayed request is answered from the idempotency store: the restarted engine runs nothing.
   */
  @Test
  void shouldReplayFromTheIdempotencyStoreWhenTheGroupIsResetWithNoPipeline() throws Exception {
    Path config = Files.writeString(dir.resolve("replay.properties"),
        "models=java-coder-tiny\ndefault.model=java-coder-tiny\nwarmup.batch.sizes=1\n");
    int broker = freePort();
    int registry = freePort();
    String[] run = {"run", "--data-dir", dir.resolve("replay-data").toString(), "--broker-port",
        Integer.toString(broker), "--registry-port", Integer.toString(registry), "--metrics-port", "0",
        "--gateway-port", "0", "--config", config.toString()};
    String bootstrap = "127.0.0.1:" + broker;
    String registryUrl = "http://127.0.0.1:" + registry;
    try (CodegenProcess first = CodegenProcess.start(dir.resolve("logs"), "replay-1", run)) {
      first.awaitOutput("Ctrl-C stops it.", Duration.ofMinutes(2));
      Outcome answered = codegen("submit", "int x =", "--request-id", "replay-1", "--max-new-tokens", "4",
          "--bootstrap-servers", bootstrap, "--schema-registry-url", registryUrl);
      assertThat(answered.exitCode()).as(answered.err()).isZero();
      assertThat(first.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    }
    String[] noPipeline = java.util.stream.Stream.concat(java.util.Arrays.stream(run), java.util.stream.Stream.of(
        "--no-pipeline")).toArray(String[]::new);
    try (CodegenProcess maintenance = CodegenProcess.start(dir.resolve("logs"), "replay-2", noPipeline);
         org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
             java.util.Map.of("bootstrap.servers", bootstrap))) {
      maintenance.awaitOutput("Ctrl-C stops it.", Duration.ofMinutes(2));
      assertThat(maintenance.stdout()).contains("pipeline         not started (--no-pipeline)")
          .contains("--reset-offsets --to-earliest");
      java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
          earliest = new java.util.HashMap<>();
      admin.describeTopics(java.util.List.of(CodegenTopics.REQUESTS)).allTopicNames().get()
          .get(CodegenTopics.REQUESTS).partitions().forEach(p -> earliest.put(
              new org.apache.kafka.common.TopicPartition(CodegenTopics.REQUESTS, p.partition()),
              new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)));
      admin.alterConsumerGroupOffsets("codegen-streams", earliest).all().get(); // fails if the group had members
      assertThat(maintenance.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    }
    KafkaClients clients = new KafkaClients(bootstrap, registryUrl);
    try (CodegenProcess replay = CodegenProcess.start(dir.resolve("logs"), "replay-3", run)) {
      replay.awaitOutput("Ctrl-C stops it.", Duration.ofMinutes(2));
      java.util.List<io.codegenstreams.schemas.CodeGenResult> results = clients.allResults(1, Duration.ofMinutes(1))
          .get("replay-1");
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (results.size() < 2 && System.nanoTime() < deadline) {
        results = clients.allResults(1, Duration.ofSeconds(5)).get("replay-1");
      }
      assertThat(results).extracting(io.codegenstreams.schemas.CodeGenResult::getCached).containsExactly(false, true);
      assertThat(replay.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      assertThat(CodegenProcess.servedRequests(replay.stderr())).as("the replay ran the model for nothing").isZero();
    }
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("'" + regex + "' in:\n" + text).isTrue();
    return m.group(1);
  }
}
