package io.codegenstreams.perf.bench;

import io.codegenstreams.gateway.CompletionGateway;
import io.codegenstreams.gateway.GatewaySettings;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.perf.load.EngineMeter;
import io.codegenstreams.perf.load.GatewaySink;
import io.codegenstreams.perf.load.InProcessSink;
import io.codegenstreams.perf.load.PointResult;
import io.codegenstreams.perf.load.RequestSink;
import io.codegenstreams.perf.sweep.SweepSearch;
import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.CodegenTopics;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dynamic configuration through the HTTP gateway against the same pipeline driven directly through Kafka, in
 * one run, on one engine: max QPS at the P99 target both ways (the same arrivals at each rate), and P50/P99 at a
 * light load (10% of the direct max QPS). The gateway runs in the perf process, as {@code codegen run} starts it.
 */
final class GatewayBenchmark {
  /** The comparison's figures; latencies in ms. */
  record Result(String engine, double targetMs, double directMaxQps, double gatewayMaxQps, double lightQps,
                double directLightP50, double directLightP99, double gatewayLightP50, double gatewayLightP99) {
    double ratio() {
      return directMaxQps == 0 ? Double.NaN : gatewayMaxQps / directMaxQps;
    }
  }

  private final BenchContext ctx;

  GatewayBenchmark(BenchContext ctx) {
    this.ctx = ctx;
  }

  Result run(EngineUnderTest eut, WorkloadSpec baseWorkload) throws Exception {
    WorkloadSpec workload = baseWorkload.fitting(eut.context());
    String label = eut.label() + " dynamic";
    EngineMeter meter = new EngineMeter();
    InferenceEngine engine = eut.start(ServingConfig.DYNAMIC.engineSettings(Map.of()));
    engine.addListener(meter);
    CodegenPipeline pipeline = null;
    CompletionGateway gateway = null;
    try {
      engine.whenReady().get();
      pipeline = PipelineHarness.start(ctx.cluster, engine, eut);
      gateway = CompletionGateway.start(new GatewaySettings("127.0.0.1", 0, CodegenTopics.REQUESTS,
          CodegenTopics.RESULTS, CodegenTopics.STREAM, ctx.cluster.clientProperties(), ctx.cluster.registryUrl(),
          List.of(eut.model()), eut.model(), null, Duration.ofMinutes(5), () -> true));
      GatewaySink http = new GatewaySink("http://127.0.0.1:" + gateway.port() + "/v1");
      ctx.awaitAllPartitions(label);
      ctx.warmUp(label, workload, ctx.kafka);
      ctx.warmUp(label + " via the gateway", workload, http);
      Duration target = ctx.idleLatency(workload, ctx.kafka, meter).target();
      ctx.progress.say("%s: P99 target %d ms (2x the idle P99 through Kafka)", label, target.toMillis());

      List<PlannedRequest> burst = ctx.plan(workload, Collections.nCopies(ctx.profile.floodDynamic(), 0L), 7);
      PointResult flood = ctx.run(label + " saturation (in-process)", 0, burst, new InProcessSink(engine),
          ctx.patientSettings(Duration.ofMinutes(10)), meter);
      double saturation = Double.isNaN(flood.steadyQps()) ? flood.achievedQps() : flood.steadyQps();
      // the flood leaves the engine's adaptive batching tuned to a backlog: settle it before either sweep
      ctx.warmUp(label + " after the flood", workload, ctx.kafka);

      SweepSearch.Outcome<PointResult> direct = sweep(label, "direct", ctx.kafka, 0.5 * saturation,
          1.1 * saturation, saturation, target, meter, workload);
      // the same search both ways (start, bounds, budget), so neither is favoured by where it began
      ctx.warmUp(label + " before the gateway sweep", workload, http);
      SweepSearch.Outcome<PointResult> viaGateway = sweep(label, "gateway", http, 0.5 * saturation,
          1.1 * saturation, saturation, target, meter, workload);

      double light = 0.1 * (direct.maxQps() > 0 ? direct.maxQps() : saturation);
      double seconds = ctx.profile.highLaneSeconds();
      List<Long> arrivals = new LoadShape(1, seconds, seconds, 10).arrivals(light, ctx.random(light, "light"));
      var settings = ctx.patientSettings(ctx.profile.deadline(target));
      PointResult directLight = ctx.run(String.format(Locale.ROOT, "%s direct light @ %.2f/s", label, light), light,
          ctx.plan(workload, arrivals, 17), ctx.kafka, settings, meter);
      PointResult gatewayLight = ctx.run(String.format(Locale.ROOT, "%s gateway light @ %.2f/s", label, light), light,
          ctx.plan(workload, arrivals, 17), http, settings, meter);
      Result r = new Result(eut.label(), target.toMillis(), direct.maxQps(), viaGateway.maxQps(), light,
          directLight.p50Ms(), directLight.p99Ms(), gatewayLight.p50Ms(), gatewayLight.p99Ms());
      ctx.progress.say("%s: max QPS direct %.2f, via the gateway %.2f (%.2f); light load P99 %.0f vs %.0f ms", label,
          r.directMaxQps(), r.gatewayMaxQps(), r.ratio(), r.directLightP99(), r.gatewayLightP99());
      return r;
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      if (pipeline != null) {
        PipelineHarness.stop(pipeline);
      }
      engine.close();
    }
  }

  private SweepSearch.Outcome<PointResult> sweep(String label, String mode, RequestSink sink, double start,
                                                 double upper, double saturation, Duration target, EngineMeter meter,
                                                 WorkloadSpec workload) {
    SweepSearch<PointResult> search = new SweepSearch<>(ctx.profile.sweepBudget(), ctx.profile.precision(),
        Math.max(saturation / 64, 0.005));
    return search.search(start, upper, SweepSearch.probe(qps -> {
      // the same arrivals and requests at the same rate, whichever way they are sent
      List<Long> arrivals = ctx.profile.shape().arrivals(qps, ctx.random(qps, "dynamic"));
      List<PlannedRequest> plan = ctx.plan(workload, arrivals, Double.hashCode(qps));
      return ctx.run(String.format(Locale.ROOT, "%s %s @ %.2f/s", label, mode, qps), qps, plan, sink,
          ctx.sweepSettings(target), meter);
    }, PointResult::passed));
  }
}
