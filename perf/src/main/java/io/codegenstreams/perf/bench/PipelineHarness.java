package io.codegenstreams.perf.bench;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.PipelineListener;
import io.codegenstreams.topology.TopologyConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the real pipeline ({@link CodegenPipeline}: exactly-once v2, the production topology and settings) in
 * front of an engine. Every start uses the same application id, so it resumes from the committed offsets, and a
 * new state directory, so it restores its stores from their changelogs as a worker started on a fresh node would.
 * (Restarting on the previous state directory makes Kafka Streams 4.3 declare every task corrupted, "State store
 * lane-high did not find checkpoint offsets while stores are not empty", and wipe and rebuild them, which took
 * 20 to 45 s per restart here.)
 */
final class PipelineHarness {
  static final String APPLICATION_ID = "codegen-perf";

  private PipelineHarness() {}

  private static final AtomicInteger STARTS = new AtomicInteger();

  private static final Logger LOG = LoggerFactory.getLogger(PipelineHarness.class);
  /** Kafka Streams thread metrics logged when a pipeline stops: where its stream threads spent their time. */
  private static final Set<String> THREAD_METRICS = Set.of("commit-latency-avg", "commit-latency-max",
      "poll-latency-max", "process-latency-max", "punctuate-latency-max", "commit-rate", "commit-ratio",
      "poll-ratio", "process-ratio", "punctuate-ratio");

  /** Stops a pipeline; it leaves its consumer group, so the next start gets the partitions at once. */
  static void stop(CodegenPipeline pipeline) {
    if (LOG.isInfoEnabled()) {
      Map<String, Double> max = new TreeMap<>();
      Map<String, Double> sum = new TreeMap<>();
      Map<String, Integer> threads = new TreeMap<>();
      pipeline.streams().metrics().forEach((name, metric) -> {
        if ("stream-thread-metrics".equals(name.group()) && THREAD_METRICS.contains(name.name())
            && metric.metricValue() instanceof Double v && !v.isNaN()) {
          max.merge(name.name(), v, Math::max);
          sum.merge(name.name(), v, Double::sum);
          threads.merge(name.name(), 1, Integer::sum);
        }
      });
      Map<String, String> shown = new TreeMap<>();
      max.forEach((k, v) -> shown.put(k, String.format(java.util.Locale.ROOT, "mean %.2f max %.2f",
          sum.get(k) / threads.get(k), v)));
      LOG.info("stream threads (per-thread mean and max): {}", shown);
    }
    pipeline.close();
  }

  static CodegenPipeline start(PerfCluster cluster, InferenceEngine engine, EngineUnderTest eut) {
    TopologyConfig topology = new TopologyConfig(Map.of(TopologyConfig.APPLICATION_ID, APPLICATION_ID));
    CodegenPipeline.Settings settings = new CodegenPipeline.Settings(topology, cluster.clientProperties(),
        cluster.registryUrl(), cluster.stateDir().resolve("start-" + STARTS.incrementAndGet()), Map.of());
    try {
      return CodegenPipeline.start(settings, engine, new ModelCatalog(Set.of(eut.model()), eut.model()),
          PipelineListener.NONE, Duration.ofMinutes(3));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the pipeline", e);
    }
  }
}
