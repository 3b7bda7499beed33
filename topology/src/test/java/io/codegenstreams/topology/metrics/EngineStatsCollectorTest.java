package io.codegenstreams.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.Priority;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineStatsCollectorTest {
  private final FakeEngine engine = new FakeEngine();
  private final PrometheusRegistry registry = new PrometheusRegistry();

  EngineStatsCollectorTest() {
    registry.register(new EngineStatsCollector(engine, Map.of(Priority.HIGH, 4, Priority.NORMAL, 16, Priority.LOW, 16),
        Set.of("java-coder-tiny", "java-coder-3m"), "java-coder-tiny"));
  }

  @Test
  void shouldExposeTheEnginesSnapshotWhenScraped() {
    engine.stats = FakeEngine.stats(Map.of(Priority.HIGH, 3, Priority.LOW, 11), 6, List.of("java-coder-tiny"));

    Scrape scrape = Exposition.of(registry);

    assertThat(scrape.value(EngineStatsCollector.QUEUE_DEPTH, "lane", "high")).isEqualTo(3);
    assertThat(scrape.value(EngineStatsCollector.QUEUE_DEPTH, "lane", "normal")).isZero();
    assertThat(scrape.value(EngineStatsCollector.QUEUE_DEPTH, "lane", "low")).isEqualTo(11);
    assertThat(scrape.value(EngineStatsCollector.QUEUE_CAPACITY, "lane", "high")).isEqualTo(4);
    assertThat(scrape.value(EngineStatsCollector.INFLIGHT_SEQUENCES)).isEqualTo(6);
    assertThat(scrape.value(EngineStatsCollector.KV_IN_FLIGHT)).isEqualTo(4096);
    assertThat(scrape.value(EngineStatsCollector.KV_BUDGET)).isEqualTo(1 << 20);
    assertThat(scrape.value(EngineStatsCollector.TOKENS_GENERATED + "_total")).isEqualTo(200);
    assertThat(scrape.value(EngineStatsCollector.CACHE_HITS + "_total")).isEqualTo(7);
    assertThat(scrape.value(EngineStatsCollector.CACHE_MISSES + "_total")).isEqualTo(1);
    assertThat(scrape.value(EngineStatsCollector.MODEL_LOADED, "model_type", "java-coder-tiny")).isEqualTo(1);
    assertThat(scrape.value(EngineStatsCollector.MODEL_LOADED, "model_type", "java-coder-3m")).isZero();
  }

  @Test
  void shouldReportTheDefaultModelReadyOnlyWhenTheEngineIsWarm() {
    double cold = Exposition.of(registry).value(EngineStatsCollector.MODEL_READY, "model_type", "java-coder-tiny");
    engine.ready.complete(null);
    double warm = Exposition.of(registry).value(EngineStatsCollector.MODEL_READY, "model_type", "java-coder-tiny");

    assertThat(cold).isZero();
    assertThat(warm).isEqualTo(1);
  }
}
