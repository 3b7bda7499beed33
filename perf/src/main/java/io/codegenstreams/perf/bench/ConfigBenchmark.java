package io.codegenstreams.perf.bench;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.perf.load.EngineMeter;
import io.codegenstreams.perf.load.InProcessSink;
import io.codegenstreams.perf.load.PointResult;
import io.codegenstreams.perf.load.RequestSink;
import io.codegenstreams.perf.report.ConfigResult;
import io.codegenstreams.perf.report.HighLaneResult;
import io.codegenstreams.perf.sweep.SweepSearch;
import io.codegenstreams.perf.workload.ArrivalSchedule;
import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.topology.CodegenPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One serving configuration on one engine, in this order:
 * <ol>
 *   <li>cold start: a request is produced, then a new engine (model load and warm-up) and the pipeline start; the
 *   time to its committed result; then a warm-up load (see {@link BenchContext#warmUp});</li>
 *   <li>(first configuration only) the idle reference: single requests, one at a time, through the pipeline;</li>
 *   <li>the pipeline stops; the engine, still loaded, is flooded in-process (saturation throughput) and, for
 *   dynamic, swept in-process;</li>
 *   <li>warm start: a request is produced, the pipeline starts again on the loaded engine; time to its result;
 *   a warm-up load again;</li>
 *   <li>the sweep through Kafka; for dynamic, the HIGH-lane test.</li>
 * </ol>
 */
final class ConfigBenchmark {
  /** What one configuration measured. {@code inProcess} and {@code highLane} are null when not measured. */
  record Outcome(ConfigResult pipeline, ConfigResult inProcess, HighLaneResult highLane, IdleLatency idle,
                 Duration target) {}

  private final BenchContext ctx;
  private final EngineUnderTest eut;
  private final ServingConfig config;
  private final WorkloadSpec workload;
  private final EngineMeter meter = new EngineMeter();
  private final String label;
  private InferenceEngine engine;
  private CodegenPipeline pipeline;

  ConfigBenchmark(BenchContext ctx, EngineUnderTest eut, ServingConfig config, WorkloadSpec workload) {
    this.ctx = ctx;
    this.eut = eut;
    this.config = config;
    this.workload = config.lanes() ? workload : workload.singleLane();
    this.label = eut.label() + " " + config.label();
  }

  /**
   * @param target       the P99 target, or null to derive it (2x the idle P99 measured here)
   * @param dynamicOverrides engine settings of the dynamic configuration beyond the defaults
   */
  Outcome run(Duration target, boolean measureIdle, Map<String, String> dynamicOverrides) {
    try {
      double cold = ctx.firstResultMillis(label + " cold start", () -> {
        engine = eut.start(config.engineSettings(dynamicOverrides));
        engine.addListener(meter);
        pipeline = PipelineHarness.start(ctx.cluster, engine, eut);
      });
      ctx.awaitAllPartitions(label);
      ctx.warmUp(label, workload, ctx.kafka);
      IdleLatency idle = null;
      if (measureIdle) {
        idle = ctx.idleLatency(workload, ctx.kafka, meter);
        if (target == null) {
          target = idle.target();
        }
      }
      if (target == null) {
        throw new IllegalStateException("no latency target: measure the idle latency first or give one");
      }
      PipelineHarness.stop(pipeline);
      pipeline = null;

      InProcessSink local = new InProcessSink(engine);
      double saturation = saturation(local);
      SweepSearch.Outcome<PointResult> inProcess = null;
      if (config == ServingConfig.DYNAMIC) {
        inProcess = sweep(local, "in-process", 0.5 * saturation, 1.1 * saturation, saturation, target);
      }

      double warm = ctx.firstResultMillis(label + " warm start",
          () -> pipeline = PipelineHarness.start(ctx.cluster, engine, eut));
      ctx.awaitAllPartitions(label);
      ctx.warmUp(label, workload, ctx.kafka);
      double start = inProcess != null && inProcess.maxQps() > 0 ? inProcess.maxQps() : 0.5 * saturation;
      double upper = inProcess != null ? lowestFailure(inProcess, 1.1 * saturation) : 1.1 * saturation;
      SweepSearch.Outcome<PointResult> viaKafka = sweep(ctx.kafka, "pipeline", start, upper, saturation, target);
      HighLaneResult highLane = null;
      if (config == ServingConfig.DYNAMIC) {
        highLane = highLane(viaKafka.maxQps() > 0 ? viaKafka.maxQps() : saturation, target);
      }
      ConfigResult viaKafkaResult = result("pipeline", viaKafka, saturation, cold, warm);
      ConfigResult inProcessResult = inProcess == null ? null
          : result("in-process", inProcess, saturation, Double.NaN, Double.NaN);
      return new Outcome(viaKafkaResult, inProcessResult, highLane, idle, target);
    } finally {
      if (pipeline != null) {
        PipelineHarness.stop(pipeline);
      }
      if (engine != null) {
        engine.close();
      }
    }
  }

  private ConfigResult result(String mode, SweepSearch.Outcome<PointResult> s, double saturation, double cold,
                              double warm) {
    List<PointResult> points = s.steps().stream().map(SweepSearch.Step::result).toList();
    return new ConfigResult(eut.label(), config.label(), mode, points, s.best() == null ? null : s.best().result(),
        saturation, cold, warm);
  }

  /** Answers per second when a burst of requests arrives at once (latency ignored): the throughput ceiling. */
  private double saturation(RequestSink sink) {
    int n = switch (config) {
      case SYNC -> ctx.profile.floodSync();
      case BASIC_ASYNC -> ctx.profile.floodBasic();
      case DYNAMIC -> ctx.profile.floodDynamic();
    };
    List<PlannedRequest> plan = ctx.plan(workload, Collections.nCopies(n, 0L), 7);
    PointResult r = ctx.run(label + " saturation (in-process, " + n + " at once)", 0, plan, sink,
        ctx.patientSettings(Duration.ofMinutes(10)), meter);
    double saturation = Double.isNaN(r.steadyQps()) ? r.achievedQps() : r.steadyQps();
    ctx.progress.say("%s saturation: %.2f answers/s", label, saturation);
    return saturation;
  }

  private SweepSearch.Outcome<PointResult> sweep(RequestSink sink, String mode, double start, double upper,
                                                 double saturation, Duration target) {
    int budget = config == ServingConfig.DYNAMIC ? ctx.profile.sweepBudget() : ctx.profile.baselineBudget();
    SweepSearch<PointResult> search = new SweepSearch<>(budget, ctx.profile.precision(),
        Math.max(saturation / 64, 0.005));
    return search.search(start, upper, SweepSearch.probe(qps -> {
      // the same arrivals and requests at the same rate, whichever way they are sent
      List<Long> arrivals = ctx.profile.shape().arrivals(qps, ctx.random(qps, config.label()));
      List<PlannedRequest> plan = ctx.plan(workload, arrivals, Double.hashCode(qps));
      String task = String.format(Locale.ROOT, "%s %s @ %.2f/s", label, mode, qps);
      return ctx.run(task, qps, plan, sink, ctx.sweepSettings(target), meter);
    }, PointResult::passed));
  }

  private static double lowestFailure(SweepSearch.Outcome<PointResult> s, double otherwise) {
    return s.steps().stream().filter(st -> !st.passed()).mapToDouble(SweepSearch.Step::qps).min().orElse(otherwise);
  }

  /**
   * HIGH-lane P99 of a light HIGH stream (10% of capacity) alone, then with a LOW-lane flood at twice the capacity
   * on top. The same HIGH arrivals in both runs (new request ids, so the second is not answered from the cache).
   */
  private HighLaneResult highLane(double capacity, Duration target) {
    double highQps = 0.1 * capacity;
    double floodQps = 2 * capacity;
    double seconds = ctx.profile.highLaneSeconds();
    LoadShape shape = new LoadShape(1, seconds, seconds, 3);
    List<Long> highArrivals = shape.arrivals(highQps, ctx.random(highQps, "high-lane"));
    WorkloadSpec high = workload.onlyLane(Priority.HIGH);
    var settings = ctx.patientSettings(ctx.profile.deadline(target));
    PointResult alone = ctx.run(String.format(Locale.ROOT, "%s HIGH alone @ %.2f/s", label, highQps), highQps,
        ctx.plan(high, highArrivals, 11), ctx.kafka, settings, meter);
    List<Long> lowArrivals = ArrivalSchedule.poisson(floodQps, (long) (seconds * 1e9), ctx.random(floodQps, "flood"));
    List<PlannedRequest> mixed = new ArrayList<>(ctx.plan(high, highArrivals, 11));
    mixed.addAll(ctx.plan(workload.onlyLane(Priority.LOW), lowArrivals, 13));
    mixed.sort(Comparator.comparingLong(PlannedRequest::atNanos));
    PointResult flooded = ctx.run(String.format(Locale.ROOT, "%s HIGH @ %.2f/s + LOW flood @ %.1f/s", label, highQps,
        floodQps), highQps + floodQps, mixed, ctx.kafka, settings, meter);
    return new HighLaneResult(highQps, floodQps, alone.laneP99(Priority.HIGH), flooded.laneP99(Priority.HIGH));
  }
}
