package io.codegenstreams.perf.bench;

import io.codegenstreams.perf.report.ConfigResult;
import io.codegenstreams.perf.report.EngineResult;
import io.codegenstreams.perf.report.HighLaneResult;
import io.codegenstreams.perf.workload.WorkloadSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three configurations on one engine. {@code sync} runs first: one request at a time is exactly "one request
 * alone", so it measures the idle latency that sets the P99 target (2x) for all three.
 */
final class EngineBenchmark {
  private final BenchContext ctx;
  private final Map<String, String> dynamicOverrides;

  EngineBenchmark(BenchContext ctx, Map<String, String> dynamicOverrides) {
    this.ctx = ctx;
    this.dynamicOverrides = dynamicOverrides;
  }

  EngineResult run(EngineUnderTest eut, WorkloadSpec baseWorkload, Duration fixedTarget, List<ServingConfig> configs) {
    WorkloadSpec workload = baseWorkload.fitting(eut.context());
    if (!eut.note().isEmpty()) {
      ctx.progress.say("%s: %s", eut.label(), eut.note());
    }
    ctx.progress.say("%s: model %s, prompts %s bytes, outputs %s tokens", eut.label(), eut.model(),
        workload.promptBytes(), workload.outputTokens());
    List<ServingConfig> ordered = List.of(ServingConfig.values()).stream().filter(configs::contains).toList();
    if (fixedTarget == null && !ordered.contains(ServingConfig.SYNC)) {
      throw new IllegalArgumentException("without sync there is no idle reference: give --target-ms");
    }
    Map<String, ConfigResult> pipeline = new LinkedHashMap<>();
    Map<String, ConfigResult> inProcess = new LinkedHashMap<>();
    HighLaneResult highLane = null;
    Duration target = fixedTarget;
    IdleLatency idle = null;
    for (ServingConfig config : ordered) {
      boolean first = config == ordered.get(0);
      ConfigBenchmark.Outcome o = new ConfigBenchmark(ctx, eut, config, workload).run(target, first, dynamicOverrides);
      if (first) {
        idle = o.idle();
        target = o.target();
        ctx.progress.say("%s: P99 target %d ms", eut.label(), target.toMillis());
      }
      pipeline.put(config.label(), o.pipeline());
      if (o.inProcess() != null) {
        inProcess.put(config.label(), o.inProcess());
      }
      if (o.highLane() != null) {
        highLane = o.highLane();
      }
    }
    String dynamic = dynamicOverrides.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
        .reduce((x, y) -> x + ", " + y).orElse("");
    return new EngineResult(eut.label(), eut.model(), eut.note(), idle == null ? Double.NaN : idle.p50Ms(),
        idle == null ? Double.NaN : idle.p99Ms(), target == null ? Double.NaN : target.toMillis(),
        dynamic, pipeline, inProcess, highLane);
  }
}
