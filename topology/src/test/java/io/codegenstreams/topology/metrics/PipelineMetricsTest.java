package io.codegenstreams.topology.metrics;

import static io.codegenstreams.topology.metrics.Scrape.label;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PipelineMetrics metrics = new PipelineMetrics(registry, Set.of("java-coder-tiny", "java-coder-3m"));

  private static CodeGenResult result(ResultStatus status, String model, long endToEndMs, int batchSize, boolean cached) {
    return CodeGenResult.newBuilder().setRequestId("r").setStatus(status).setModel(model).setEndToEndMs(endToEndMs)
        .setQueueTimeMs(40).setInferenceTimeMs(160).setBatchSize(batchSize).setCached(cached)
        .setCompletedAt(Instant.EPOCH).build();
  }

  @Test
  void shouldObserveLatencyOncePerResultWhenResultsOfEveryKindAreForwarded() {
    metrics.onResult(Priority.HIGH, result(ResultStatus.OK, "java-coder-tiny", 250, 4, false));
    metrics.onResult(Priority.HIGH, result(ResultStatus.OK, "java-coder-tiny", 30, 4, true));
    metrics.onResult(Priority.LOW, result(ResultStatus.REJECTED, "java-coder-tiny", 2, 0, false));
    metrics.onResult(Priority.NORMAL, result(ResultStatus.TIMEOUT, "java-coder-3m", 30_000, 0, false));

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.sum(PipelineMetrics.LATENCY + "_count")).isEqualTo(4);
    assertThat(scrape.value(PipelineMetrics.LATENCY + "_count", "model_type", "java-coder-tiny", "lane", "high",
        "status", "ok")).isEqualTo(2);
    assertThat(scrape.value(PipelineMetrics.LATENCY + "_sum", "lane", "high", "status", "ok")).isCloseTo(0.28, within(1e-12));
    assertThat(scrape.value(PipelineMetrics.LATENCY + "_bucket", "lane", "normal", "status", "timeout", "le", "10.0"))
        .isZero();
    assertThat(scrape.value(PipelineMetrics.LATENCY + "_bucket", "lane", "normal", "status", "timeout", "le", "30.0"))
        .isEqualTo(1);
  }

  @Test
  void shouldObserveQueueWaitAndInferenceOnlyWhenTheResultRanInTheEngine() {
    metrics.onResult(Priority.HIGH, result(ResultStatus.OK, "java-coder-tiny", 250, 4, false));
    metrics.onResult(Priority.HIGH, result(ResultStatus.OK, "java-coder-tiny", 30, 4, true));
    metrics.onResult(Priority.LOW, result(ResultStatus.REJECTED, "java-coder-tiny", 2, 0, false));

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.sum(PipelineMetrics.QUEUE_WAIT + "_count")).isEqualTo(1);
    assertThat(scrape.value(PipelineMetrics.QUEUE_WAIT + "_sum", "lane", "high")).isCloseTo(0.04, within(1e-12));
    assertThat(scrape.value(PipelineMetrics.INFERENCE_TIME + "_sum", "lane", "high")).isCloseTo(0.16, within(1e-12));
  }

  @Test
  void shouldReportUnknownModelWhenAResultNamesAModelThatIsNotDeclared() {
    metrics.onResult(Priority.LOW, result(ResultStatus.REJECTED, "made-up-by-a-client", 1, 0, false));

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.all(PipelineMetrics.LATENCY + "_count")).singleElement()
        .satisfies(s -> assertThat(s.label("model_type")).isEqualTo("unknown"));
  }

  @Test
  void shouldCountRejectionsDeadLettersSkipsAndRepeatsWhenTheTopologyReportsThem() {
    metrics.onRejected(Priority.LOW, "overloaded");
    metrics.onRejected(Priority.LOW, "overloaded");
    metrics.onDeadLetter("UnknownMagicByteException");
    metrics.onSkipped("production", "RecordTooLargeException");
    metrics.onIdempotencyHit(true);
    metrics.onIdempotencyHit(false);
    metrics.onIdempotencyHit(false);
    metrics.onBuffered(Priority.NORMAL);

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.value(PipelineMetrics.REJECTED, "lane", "low", "reason", "overloaded")).isEqualTo(2);
    assertThat(scrape.value(PipelineMetrics.DEAD_LETTERS, "reason", "UnknownMagicByteException")).isEqualTo(1);
    assertThat(scrape.value(PipelineMetrics.SKIPPED, "handler", "production")).isEqualTo(1);
    assertThat(scrape.value(PipelineMetrics.IDEMPOTENCY_HITS, "source", "in_flight")).isEqualTo(1);
    assertThat(scrape.value(PipelineMetrics.IDEMPOTENCY_HITS, "source", "stored")).isEqualTo(2);
    assertThat(scrape.value(PipelineMetrics.BUFFERED, "lane", "normal")).isEqualTo(1);
  }

  @Test
  void shouldExposeBoundedCountersAtZeroWhenNothingHappenedYet() {
    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.all(PipelineMetrics.REJECTED)).hasSize(6).allSatisfy(s -> assertThat(s.value()).isZero());
    assertThat(scrape.all(PipelineMetrics.BUFFERED, label("lane", "high"))).singleElement()
        .satisfies(s -> assertThat(s.value()).isZero());
    assertThat(scrape.all(PipelineMetrics.LATENCY + "_count")).isEmpty();
  }
}
