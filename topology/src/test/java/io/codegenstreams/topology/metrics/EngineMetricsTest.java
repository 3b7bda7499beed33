package io.codegenstreams.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.codegenstreams.inference.Priority;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {
  private static final String MODEL = "java-coder-tiny";
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final EngineMetrics metrics = new EngineMetrics(registry, Set.of(MODEL));

  @Test
  void shouldRecordEachStepsBatchSizeWhenBatchesRun() {
    metrics.onBatchStep(MODEL, 3, 3, 120, 2_000_000);
    metrics.onBatchStep(MODEL, 8, 8, 0, 4_000_000);
    metrics.onBatchStep(MODEL, 5, 5, 0, 3_000_000);

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.value(EngineMetrics.BATCH_SIZE, "model_type", MODEL)).as("the most recent step").isEqualTo(5);
    assertThat(scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_count", "model_type", MODEL)).isEqualTo(3);
    assertThat(scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_sum", "model_type", MODEL)).isEqualTo(16);
    assertThat(scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_bucket", "model_type", MODEL, "le", "4.0")).isEqualTo(1);
    assertThat(scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_bucket", "model_type", MODEL, "le", "8.0")).isEqualTo(3);
    assertThat(scrape.value(EngineMetrics.DECODE_STEP + "_sum", "model_type", MODEL)).isCloseTo(0.009, within(1e-12));
    assertThat(scrape.value(EngineMetrics.PROMPT_TOKENS, "model_type", MODEL)).isEqualTo(120);
  }

  @Test
  void shouldRecordLoadAndWarmUpInSecondsWhenAModelIsLoaded() {
    metrics.onModelLoaded(MODEL, "1", 1_500_000_000L, 250_000_000L);

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.value(EngineMetrics.MODEL_LOAD, "model_type", MODEL)).isEqualTo(1.5);
    assertThat(scrape.value(EngineMetrics.MODEL_WARMUP, "model_type", MODEL)).isEqualTo(0.25);
  }

  @Test
  void shouldSeparateWaitingFromRunningTimeOutsWhenTheEngineReportsThem() {
    metrics.onTimeout(MODEL, Priority.LOW, true);
    metrics.onTimeout(MODEL, Priority.LOW, true);
    metrics.onTimeout(MODEL, Priority.HIGH, false);
    metrics.onRejected(MODEL, Priority.NORMAL, "the NORMAL queue of java-coder-tiny is full (1024)");

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.value(EngineMetrics.TIMEOUTS, "lane", "low", "phase", "waiting")).isEqualTo(2);
    assertThat(scrape.value(EngineMetrics.TIMEOUTS, "lane", "high", "phase", "running")).isEqualTo(1);
    assertThat(scrape.value(EngineMetrics.TIMEOUTS, "lane", "high", "phase", "waiting")).isZero();
    assertThat(scrape.value(EngineMetrics.ENGINE_REJECTED, "lane", "normal")).isEqualTo(1);
    assertThat(scrape.all(EngineMetrics.ENGINE_REJECTED)).as("free-text reasons are not labels")
        .allSatisfy(s -> assertThat(s.labels()).containsOnlyKeys("model_type", "lane"));
  }
}
