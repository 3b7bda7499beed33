package io.codegenstreams.perf.bench;

import io.codegenstreams.perf.load.KafkaSink;
import io.codegenstreams.perf.report.ChartReport;
import io.codegenstreams.perf.report.CsvReport;
import io.codegenstreams.perf.report.EngineResult;
import io.codegenstreams.perf.report.JsonReport;
import io.codegenstreams.perf.report.LimitsResult;
import io.codegenstreams.perf.report.MarkdownReport;
import io.codegenstreams.perf.report.RunResult;
import io.codegenstreams.perf.report.Summary;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.topology.CodegenTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole perf run: a private broker and registry, the Kafka limits (raw Kafka, then the pipeline in front of the
 * zero-cost engine), then each engine's comparison; the report files are rewritten after each engine.
 *
 * @param engines     labels of the engines to measure, in order ({@code simulated-gpu}, {@code cpu-onnx})
 * @param configs     the serving configurations
 * @param target      a fixed P99 target, or null for 2x the measured idle latency
 * @param dynamicOverrides engine settings for the dynamic configuration beyond the engine's defaults
 * @param limits      whether to measure the Kafka limits and the zero-cost pipeline
 */
public record PerfRun(PerfProfile profile, WorkloadSpec workload, List<String> engines, List<ServingConfig> configs,
                      Duration target, Map<String, String> dynamicOverrides, boolean limits, long seed, Path out,
                      String command) {

  public RunResult execute(Progress progress) throws IOException {
    Files.createDirectories(out);
    long started = System.nanoTime();
    List<EngineResult> results = new ArrayList<>();
    LimitsResult limitsResult = null;
    progress.say("perf (%s): starting a private Kafka broker and schema registry", profile.name());
    try (PerfCluster cluster = PerfCluster.start();
         KafkaSink kafka = new KafkaSink(cluster.clientProperties(), cluster.registryUrl(), CodegenTopics.REQUESTS,
             CodegenTopics.RESULTS)) {
      BenchContext ctx = new BenchContext(cluster, kafka, profile, progress, seed);
      if (limits) {
        // first: it also loads the pipeline's classes, so no engine's cold start pays for the JVM's own warm-up
        limitsResult = new LimitsBenchmark(ctx).run(workload);
      }
      for (String engine : engines) {
        EngineUnderTest eut = EngineUnderTest.byLabel(engine);
        results.add(new EngineBenchmark(ctx, dynamicOverrides).run(eut, workload, target, configs));
        write(new RunResult(profile.quick(), command, describe(), results, limitsResult, seconds(started)));
      }
    }
    RunResult run = new RunResult(profile.quick(), command, describe(), results, limitsResult, seconds(started));
    write(run);
    return run;
  }

  /** Writes every report file (after each engine too, so a long run leaves partial results if interrupted). */
  private void write(RunResult run) throws IOException {
    MarkdownReport.write(run, out.resolve("results.md"));
    CsvReport.write(run, out.resolve("points.csv"));
    ChartReport.write(run, out.resolve("latency.png"));
    JsonReport.write(run, out.resolve("summary.json"));
  }

  private String describe() {
    return String.format("lanes %s, prompt bytes %s, output tokens %s, duplicates %.0f%%, seed %d",
        workload.lanes(), workload.promptBytes(), workload.outputTokens(), workload.duplicateRate() * 100, seed);
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  public static String summaryLine(RunResult run) {
    return Summary.line(run);
  }
}
