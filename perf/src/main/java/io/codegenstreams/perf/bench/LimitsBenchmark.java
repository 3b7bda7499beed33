package io.codegenstreams.perf.bench;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.perf.load.EngineMeter;
import io.codegenstreams.perf.load.PointResult;
import io.codegenstreams.perf.report.LimitsResult;
import io.codegenstreams.perf.workload.ArrivalSchedule;
import io.codegenstreams.perf.workload.Mix;
import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.Prompts;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.topology.CodegenPipeline;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The Kafka path's own limits on the same broker: raw producer and consumer throughput (Kafka's perf tools, records
 * the size of a mean request), and the pipeline in front of the zero-cost engine, flooded with short requests
 * (16 tokens each, computed in no time), whose answers per second over the raw figure is {@code kafka_share}.
 */
final class LimitsBenchmark {
  static final int ZERO_COST_TOKENS = 16;
  private final BenchContext ctx;

  LimitsBenchmark(BenchContext ctx) {
    this.ctx = ctx;
  }

  LimitsResult run(WorkloadSpec baseWorkload) throws IOException {
    EngineUnderTest eut = EngineUnderTest.zeroCost();
    WorkloadSpec workload = new WorkloadSpec(baseWorkload.lanes(), baseWorkload.fitting(eut.context()).promptBytes(),
        Mix.only(ZERO_COST_TOKENS), 0);
    int n = ctx.profile.zeroCostRequests();
    // offered well above what the pipeline can take, so the answers per second are its ceiling
    double offered = 20_000;
    List<PlannedRequest> plan = ctx.plan(workload,
        ArrivalSchedule.poisson(offered, (long) (n / offered * 1e9), ctx.random(offered, "zero-cost")), 17);
    int recordBytes = meanRecordBytes(plan);

    ctx.progress.say("raw Kafka: ProducerPerformance, %d records of %d bytes, acks=all", ctx.profile.rawRecords(),
        recordBytes);
    double producer = RawKafka.producer(ctx.cluster.bootstrapServers(), PerfCluster.RAW_TOPIC, ctx.profile.rawRecords(),
        recordBytes);
    double consumer = RawKafka.consumer(ctx.cluster.bootstrapServers(), PerfCluster.RAW_TOPIC, ctx.profile.rawRecords());
    ctx.progress.say("raw Kafka: producer %.0f records/s, consumer %.0f records/s", producer, consumer);

    EngineMeter meter = new EngineMeter();
    EngineUnderTest zero = eut;
    InferenceEngine engine = zero.start(ServingConfig.DYNAMIC.engineSettings(java.util.Map.of()));
    engine.addListener(meter);
    CodegenPipeline pipeline = null;
    try {
      pipeline = PipelineHarness.start(ctx.cluster, engine, zero);
      ctx.awaitAllPartitions("zero-cost");
      PointResult r = ctx.run("zero-cost pipeline flood (" + plan.size() + " requests)", offered, plan, ctx.kafka,
          ctx.patientSettings(Duration.ofMinutes(5)), meter);
      double qps = Double.isNaN(r.steadyQps()) ? r.achievedQps() : r.steadyQps();
      ctx.progress.say("zero-cost pipeline: %.0f answers/s (middle half of the flood)", qps);
      return new LimitsResult(recordBytes, producer, consumer, qps, r);
    } finally {
      if (pipeline != null) {
        PipelineHarness.stop(pipeline);
      }
      engine.close();
    }
  }

  /** The mean size of these requests as Avro records on the wire (5-byte Confluent header + binary body). */
  private static int meanRecordBytes(List<PlannedRequest> plan) throws IOException {
    long total = 0;
    int sample = Math.min(plan.size(), 200);
    for (int i = 0; i < sample; i++) {
      PlannedRequest r = plan.get(i);
      Instant now = Instant.now();
      CodeGenRequest req = CodeGenRequest.newBuilder().setRequestId(r.id()).setPrompt(Prompts.ofLength(r.promptBytes()))
          .setPriority(r.lane()).setMaxNewTokens(r.maxNewTokens()).setDeadline(now).setCreatedAt(now).build();
      total += req.toByteBuffer().remaining() + 5;
    }
    return sample == 0 ? 100 : (int) (total / sample);
  }
}
