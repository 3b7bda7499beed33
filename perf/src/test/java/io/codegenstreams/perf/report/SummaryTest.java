package io.codegenstreams.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.codegenstreams.perf.load.LatencySplit;
import io.codegenstreams.perf.load.Outcome;
import io.codegenstreams.perf.load.PointResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {

  static PointResult point(double qps, double p99, boolean passed) {
    return new PointResult(qps, qps, Double.NaN, 100, Map.of(Outcome.OK, 100), 0, p99 / 2, p99 * 0.8, p99, p99,
        Map.of(), 0.9, 4, passed, false, 10, LatencySplit.UNKNOWN);
  }

  static ConfigResult config(String name, String mode, double maxQps) {
    PointResult best = maxQps > 0 ? point(maxQps, 1000, true) : null;
    List<PointResult> points = best == null ? List.of(point(1, 9000, false)) : List.of(best, point(maxQps * 2, 9000, false));
    return new ConfigResult("e", name, mode, points, best, maxQps * 1.5, 3000, 1000);
  }

  static EngineResult engine(double sync, double basic, double dynamic, double inProcess, HighLaneResult high) {
    Map<String, ConfigResult> pipeline = new LinkedHashMap<>();
    pipeline.put(Summary.SYNC, config(Summary.SYNC, "pipeline", sync));
    pipeline.put(Summary.BASIC, config(Summary.BASIC, "pipeline", basic));
    pipeline.put(Summary.DYNAMIC, config(Summary.DYNAMIC, "pipeline", dynamic));
    return new EngineResult("e", "m", "", 900, 1000, 2000, "", pipeline,
        Map.of(Summary.DYNAMIC, config(Summary.DYNAMIC, "in-process", inProcess)), high);
  }

  @Test
  void shouldDivideMaxQpsWhenComputingRatios() {
    EngineResult e = engine(0.5, 2, 20, 25, new HighLaneResult(1, 40, 1000, 1100));
    assertThat(Summary.dynamicOverSync(e)).isCloseTo(40, offset(1e-9));
    assertThat(Summary.dynamicOverBasic(e)).isCloseTo(10, offset(1e-9));
    assertThat(Summary.pipelineOverInProcess(e)).isCloseTo(0.8, offset(1e-9));
    assertThat(Summary.highLaneRatio(e)).isCloseTo(1.1, offset(1e-9));
    assertThat(Summary.utilisation(e)).isCloseTo(0.9, offset(1e-9));
  }

  @Test
  void shouldGiveNullNotInfinityWhenTheBaselineNeverMetTheTarget() {
    EngineResult e = engine(0, 2, 20, 25, null);
    assertThat(Summary.dynamicOverSync(e)).isNull();
    assertThat(Summary.highLaneRatio(e)).isNull();
    Map<String, Object> json = Summary.json(new RunResult(true, "c", "w", List.of(e), null, 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> eng = (Map<String, Object>) ((Map<String, Object>) json.get("engines")).get("e");
    assertThat(eng).containsEntry("dynamic_over_sync", null);
    assertThat(Summary.line(new RunResult(true, "c", "w", List.of(e), null, 1))).contains("dyn/sync=n/a");
  }

  @Test
  void shouldUseTheSlowerRawDirectionWhenComputingKafkaShare() {
    LimitsResult l = new LimitsResult(500, 40_000, 100_000, 4_000, null);
    assertThat(l.kafkaShare()).isCloseTo(0.1, offset(1e-9));
    assertThat(Summary.json(new RunResult(false, "c", "w", List.of(), l, 1))).containsEntry("kafka_share", 0.1);
  }

  @Test
  void shouldPutEveryHeadlineFigureInTheJsonWhenMeasured() {
    EngineResult e = engine(0.5, 2, 20, 25, new HighLaneResult(1, 40, 1000, 1100));
    @SuppressWarnings("unchecked")
    Map<String, Object> eng = (Map<String, Object>) ((Map<String, Object>) Summary.json(
        new RunResult(true, "c", "w", List.of(e), null, 1)).get("engines")).get("e");
    assertThat(eng).containsKeys("max_qps", "dynamic_over_sync", "dynamic_over_basic", "pipeline_over_inprocess",
        "utilisation", "high_lane_p99_ratio", "cold_start_ms", "warm_start_ms");
    @SuppressWarnings("unchecked")
    Map<String, Object> max = (Map<String, Object>) eng.get("max_qps");
    assertThat(max).containsEntry("dynamic", 20.0).containsEntry("sync", 0.5);
  }
}
