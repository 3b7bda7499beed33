package io.codegenstreams.perf.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.codegenstreams.perf.load.KafkaSink;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.topology.CodegenTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code codegen perf --gateway}: {@link GatewayBenchmark} on each engine; writes gateway.md and gateway.json. */
public final class GatewayRun {
  private GatewayRun() {}

  public static String run(List<String> engines, boolean quick, WorkloadSpec workload, long seed, Path out,
                           Progress progress, String command) throws Exception {
    Files.createDirectories(out);
    List<GatewayBenchmark.Result> results = new ArrayList<>();
    progress.say("perf --gateway: starting a private Kafka broker and schema registry");
    try (PerfCluster cluster = PerfCluster.start();
         KafkaSink kafka = new KafkaSink(cluster.clientProperties(), cluster.registryUrl(), CodegenTopics.REQUESTS,
             CodegenTopics.RESULTS)) {
      BenchContext ctx = new BenchContext(cluster, kafka, quick ? PerfProfile.QUICK : PerfProfile.FULL, progress, seed);
      for (String engine : engines) {
        EngineUnderTest eut = EngineUnderTest.byLabel(engine);
        results.add(new GatewayBenchmark(ctx).run(eut, workload));
        write(results, command, out);
      }
    }
    return Files.readString(out.resolve("gateway.md"));
  }

  private static void write(List<GatewayBenchmark.Result> results, String command, Path out) throws Exception {
    StringBuilder md = new StringBuilder("# Gateway vs direct Kafka\n\n`" + command + "`: the dynamic configuration,"
        + " the same arrivals at each rate, through the OpenAI-compatible gateway (HTTP, the JDK's client) and"
        + " directly through Kafka (Avro producer, read_committed consumer); the P99 target is 2x the idle P99"
        + " through Kafka. Light load: 10% of the direct max QPS.\n\n"
        + "| engine | target ms | max QPS direct | max QPS gateway | gateway / direct | light load P50 / P99 ms direct |"
        + " light load P50 / P99 ms gateway | P99 overhead ms |\n|---|---|---|---|---|---|---|---|\n");
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode json = mapper.createArrayNode();
    for (GatewayBenchmark.Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.0f / %.0f | %.0f / %.0f | %.0f |%n",
          r.engine(), r.targetMs(), r.directMaxQps(), r.gatewayMaxQps(), r.ratio(), r.directLightP50(),
          r.directLightP99(), r.gatewayLightP50(), r.gatewayLightP99(), r.gatewayLightP99() - r.directLightP99()));
      json.addObject().put("engine", r.engine()).put("target_ms", r.targetMs())
          .put("direct_max_qps", r.directMaxQps()).put("gateway_max_qps", r.gatewayMaxQps())
          .put("gateway_over_direct", r.ratio()).put("light_qps", r.lightQps())
          .put("direct_light_p50_ms", r.directLightP50()).put("direct_light_p99_ms", r.directLightP99())
          .put("gateway_light_p50_ms", r.gatewayLightP50()).put("gateway_light_p99_ms", r.gatewayLightP99());
    }
    Files.writeString(out.resolve("gateway.md"), md.toString());
    mapper.writeValue(out.resolve("gateway.json").toFile(), json);
  }
}
