package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline stopped cleanly and started again on the same state directory keeps its local stores: nothing is
 * replayed from the changelogs. Only the NORMAL lane gets traffic, so the HIGH and LOW lane stores of every task are
 * never written — the case in which Kafka Streams 4.3's segmented (window) stores keep no changelog offset, and
 * exactly-once then wipes the whole task on the next start.
 */
@Tag("integration")
class StateRestartIT {
  private static final int REQUESTS = 40;

  @TempDir Path dir;

  @Test
  void shouldRestoreNothingWhenRestartedOnTheSameStateDirAfterACleanClose() throws Exception {
    try (KafkaFixture kafka = new KafkaFixture(dir.resolve("kafka"), 2)) {
      CodegenPipeline.Settings settings = new CodegenPipeline.Settings(TopologyConfig.defaults(),
          kafka.clientProperties(), kafka.registry.url(), dir.resolve("streams"), Map.of());
      ModelCatalog models = new ModelCatalog(Set.of("java-coder-tiny"), "java-coder-tiny");

      RestoreCount first = new RestoreCount();
      try (CodegenPipeline pipeline = CodegenPipeline.start(settings, new ScriptedEngine(), models, first,
          Duration.ofMinutes(2))) {
        assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
        try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
          for (int i = 0; i < REQUESTS; i++) {
            producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "r-" + i, CodeGenRequest.newBuilder()
                .setRequestId("r-" + i).setPrompt("int add(int a, int b) {").setPriority(Priority.NORMAL)
                .setMaxNewTokens(4).setCreatedAt(Instant.now()).build()));
          }
        }
        try (KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer()) {
          assertThat(KafkaFixture.pollUntil(results, Duration.ofMinutes(1), read -> read.size() >= REQUESTS))
              .hasSize(REQUESTS);
        }
        // let the results store read back what the task wrote, so it too is current when the pipeline stops
        Thread.sleep(2_000);
      }

      RestoreCount second = new RestoreCount();
      long startNanos = System.nanoTime();
      try (CodegenPipeline pipeline = CodegenPipeline.start(settings, new ScriptedEngine(), models, second,
          Duration.ofMinutes(2))) {
        long startMs = (System.nanoTime() - startNanos) / 1_000_000;
        System.out.printf("restart on the same state dir: RUNNING after %d ms, %d changelog records restored %s%n",
            startMs, second.total.get(), second.byStore);
        assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(second.byStore).as("every store reported its restoration").isNotEmpty();
        assertThat(second.byStore).as("records replayed per store and partition after a clean close")
            .allSatisfy((store, records) -> assertThat(records).as(store).isZero());
      }
    }
  }

  private static final class RestoreCount implements PipelineListener {
    final AtomicLong total = new AtomicLong();
    final Map<String, Long> byStore = new ConcurrentHashMap<>();

    @Override
    public void onRestored(String store, int partition, long records) {
      total.addAndGet(records);
      byStore.merge(store + "-" + partition, records, Long::sum);
    }
  }
}
