package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline runs as its own process ({@code codegen run} against an existing cluster), is killed with SIGKILL in
 * the middle of a load, and restarted on the same state directory: every request is answered exactly once.
 */
@Tag("integration")
class CrashRecoveryIT {
  private static final int REQUESTS = 600;

  @TempDir Path dir;

  @Test
  void shouldAnswerEveryRequestOnceWhenThePipelineIsKilledMidLoadAndRestarted() throws Exception {
    try (KafkaFixture kafka = new KafkaFixture(dir.resolve("kafka"), 4)) {
      Path config = Files.writeString(dir.resolve("pipeline.properties"),
          "models=java-coder-tiny\ndefault.model=java-coder-tiny\nwarmup.batch.sizes=1\nbatch.max.size=8\n"
              // the outage counts as waiting time: give the lanes room, so every request is served, none times out
              + "lane.high.max.wait.ms=300000\nlane.normal.max.wait.ms=300000\nlane.low.max.wait.ms=300000\n"
              + "lane.high.deadline.ms=600000\nlane.normal.deadline.ms=600000\nlane.low.deadline.ms=600000\n");
      Path clientConfig = Files.writeString(dir.resolve("client.properties"), "session.timeout.ms=6000\n");
      String[] run = {"run", "--bootstrap-servers", kafka.broker.bootstrapServers(),
          "--schema-registry-url", kafka.registry.url(), "--data-dir", dir.resolve("app").toString(),
          "--config", config.toString(), "--kafka-config", clientConfig.toString(), "--metrics-port", "0", "--gateway-port", "0"};

      int committedBeforeKill;
      try (CodegenProcess first = CodegenProcess.start(dir.resolve("logs"), "first", run);
           KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer()) {
        first.awaitOutput("codegen-streams is up", Duration.ofMinutes(2));
        sendRequests(kafka);
        committedBeforeKill = KafkaFixture.pollUntil(results, Duration.ofMinutes(2), read -> read.size() >= 100).size();
        assertThat(committedBeforeKill).as("killed in the middle of the load").isBetween(100, REQUESTS - 1);
        first.kill();
      }

      String secondLog;
      try (CodegenProcess second = CodegenProcess.start(dir.resolve("logs"), "second", run)) {
        second.awaitOutput("codegen-streams is up", Duration.ofMinutes(2));
        Map<String, List<CodeGenResult>> byId = kafka.clients().allResults(REQUESTS, Duration.ofMinutes(3));
        assertThat(byId).as("every request answered").hasSize(REQUESTS);
        assertThat(byId.values()).allSatisfy(list -> {
          assertThat(list).as("exactly one committed result per request").hasSize(1);
          assertThat(list.get(0).getStatus()).isEqualTo(ResultStatus.OK);
        });
        // the JVM reports SIGTERM as 143 once its shutdown hooks (which stop the pipeline cleanly) have run
        assertThat(second.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        secondLog = second.stderr();
      }
      int servedAfterRestart = CodegenProcess.servedRequests(secondLog);
      System.out.printf("crash recovery: %d of %d results committed before SIGKILL; the restarted process ran %d%n",
          committedBeforeKill, REQUESTS, servedAfterRestart);
      assertThat(servedAfterRestart)
          .as("the restarted process ran only what had no committed result (%d of %d were committed before the kill)",
              committedBeforeKill, REQUESTS)
          .isLessThanOrEqualTo(REQUESTS - committedBeforeKill);
    }
  }

  @Test
  void shouldLeaveExactlyOneResultPerIdWhenThePipelineIsKilledBetweenCancelsAndTheirResults() throws Exception {
    int requests = 300;
    try (KafkaFixture kafka = new KafkaFixture(dir.resolve("kafka"), 4)) {
      Path config = Files.writeString(dir.resolve("pipeline.properties"),
          // 300 x 120 tokens in batches of 4 take thousands of decode steps: the cancels arrive long before the end
          "models=java-coder-tiny\ndefault.model=java-coder-tiny\nwarmup.batch.sizes=1\nbatch.max.size=4\n"
              + "lane.normal.max.wait.ms=300000\nlane.normal.deadline.ms=600000\n");
      Path clientConfig = Files.writeString(dir.resolve("client.properties"), "session.timeout.ms=6000\n");
      String[] run = {"run", "--bootstrap-servers", kafka.broker.bootstrapServers(),
          "--schema-registry-url", kafka.registry.url(), "--data-dir", dir.resolve("app").toString(),
          "--config", config.toString(), "--kafka-config", clientConfig.toString(), "--metrics-port", "0", "--gateway-port", "0"};
      List<String> cancelled = new java.util.ArrayList<>();
      try (CodegenProcess first = CodegenProcess.start(dir.resolve("logs"), "first", run);
           KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer();
           KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
        first.awaitOutput("codegen-streams is up", Duration.ofMinutes(2));
        for (int i = 0; i < requests; i++) {
          String id = "cancel-crash-" + i;
          producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, CodeGenRequest.newBuilder().setRequestId(id)
              .setPrompt("public int max(int a, int b) {").setMaxNewTokens(120).setStop(List.of())
              .setCreatedAt(Instant.now()).build()));
        }
        producer.flush();
        java.util.Set<String> answered = new java.util.HashSet<>();
        KafkaFixture.pollUntil(results, Duration.ofMinutes(2), read -> read.size() >= 30)
            .forEach(r -> answered.add(r.key()));
        // cancel every other id, answered or not, and kill the process while those cancels are being handled
        for (int i = 0; i < requests; i += 2) {
          String id = "cancel-crash-" + i;
          cancelled.add(id);
          producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, null));
        }
        producer.flush();
        assertThat(answered.size()).as("killed in the middle of the load").isLessThan(requests / 2);
        first.kill();
      }

      try (CodegenProcess second = CodegenProcess.start(dir.resolve("logs"), "second", run)) {
        second.awaitOutput("codegen-streams is up", Duration.ofMinutes(2));
        Map<String, List<CodeGenResult>> byId = kafka.clients().allResults(requests, Duration.ofMinutes(3));
        assertThat(byId).as("every request settled").hasSize(requests);
        assertThat(byId.values()).allSatisfy(list -> assertThat(list).as("exactly one committed result").hasSize(1));
        Map<ResultStatus, Long> statuses = byId.entrySet().stream().collect(java.util.stream.Collectors.groupingBy(
            e -> e.getValue().get(0).getStatus(), java.util.stream.Collectors.counting()));
        byId.forEach((id, list) -> assertThat(list.get(0).getStatus()).as(id)
            .isIn(cancelled.contains(id) ? List.of(ResultStatus.OK, ResultStatus.CANCELLED) : List.of(ResultStatus.OK)));
        System.out.printf("cancel crash recovery: %s after a SIGKILL between %d cancels and their results%n", statuses,
            cancelled.size());
        assertThat(statuses.getOrDefault(ResultStatus.CANCELLED, 0L)).as("cancels took effect").isPositive();
        assertThat(second.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      }
    }
  }

  private static void sendRequests(KafkaFixture kafka) {
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      for (int i = 0; i < REQUESTS; i++) {
        String id = "crash-" + i;
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, CodeGenRequest.newBuilder().setRequestId(id)
            .setPrompt("public int max(int a, int b) {").setPriority(Priority.values()[i % 3]).setMaxNewTokens(48)
            .setCreatedAt(Instant.now()).build()));
      }
    }
  }

}
