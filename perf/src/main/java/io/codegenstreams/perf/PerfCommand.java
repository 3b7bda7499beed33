package io.codegenstreams.perf;

import io.codegenstreams.perf.bench.GatewayRun;
import io.codegenstreams.perf.bench.PerfProfile;
import io.codegenstreams.perf.bench.PerfRun;
import io.codegenstreams.perf.bench.Progress;
import io.codegenstreams.perf.bench.ServingConfig;
import io.codegenstreams.perf.bench.TypingBenchmark;
import io.codegenstreams.perf.report.RunResult;
import io.codegenstreams.perf.workload.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code codegen perf}: the comparison of issue 6, on a private embedded Kafka, written to {@code --out}. */
@Command(name = "perf", mixinStandardHelpOptions = true,
    description = {
        "Compare sync, basic-async and dynamic serving on the same engine (the real CPU model and the simulated "
            + "GPU engine), through the Kafka pipeline and in-process, with raw Kafka and a zero-cost engine as limits, "
            + "on a private embedded Kafka.",
        "Writes results.md, points.csv, latency.png and summary.json into --out; the last line printed is the "
            + "summary. --quick takes about 4 minutes, the full run about 25."})
public final class PerfCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Short runs and small sweeps (a smoke check and a rough picture).")
  boolean quick;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the results.")
  Path out;

  @Option(names = "--engines", split = ",", defaultValue = "simulated-gpu,cpu-onnx",
      description = "Engines to measure (default: ${DEFAULT-VALUE}).")
  List<String> engines;

  @Option(names = "--configs", split = ",", defaultValue = "sync,basic-async,dynamic",
      description = "Serving configurations (default: ${DEFAULT-VALUE}).")
  List<String> configs;

  @Option(names = "--target-ms", paramLabel = "MS",
      description = "P99 latency target; default 2x the P99 over the mix of one request alone on the idle system.")
  Long targetMs;

  @Option(names = "--lanes", defaultValue = WorkloadSpec.DEFAULT_LANES,
      description = "Lane mix of the dynamic configuration (default: ${DEFAULT-VALUE}).")
  String lanes;

  @Option(names = "--prompt-bytes", defaultValue = WorkloadSpec.DEFAULT_PROMPTS,
      description = "Prompt-length mix, shortened to fit a model's context (default: ${DEFAULT-VALUE}).")
  String prompts;

  @Option(names = "--output-tokens", defaultValue = WorkloadSpec.DEFAULT_OUTPUTS,
      description = "Output-length mix, max_new_tokens (default: ${DEFAULT-VALUE}).")
  String outputs;

  @Option(names = "--duplicate-rate", defaultValue = "0",
      description = "Share of requests repeating an earlier request id (default: ${DEFAULT-VALUE}).")
  double duplicateRate;

  @Option(names = "--limits", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Measure raw Kafka and the zero-cost pipeline (default: on; --no-limits skips them).")
  boolean limits;

  @Option(names = "--dynamic-setting", paramLabel = "KEY=VALUE",
      description = "An engine setting for the dynamic configuration on top of the engine's defaults"
          + " (e.g. latency.target.ms=20); repeatable. Default: none, the engine as designed.")
  Map<String, String> dynamicSettings = new LinkedHashMap<>();

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the arrivals and requests (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--typing", description = "Run the editor typing workload instead (cancellation off and on, each"
      + " engine): goodput, decode time on abandoned requests, time to first token; writes typing.md and typing.json.")
  boolean typing;

  @Option(names = "--editors", defaultValue = "12", description = "Typing workload: editors at once (default: ${DEFAULT-VALUE}).")
  int editors;

  @Option(names = "--gateway", description = "Compare the dynamic configuration through the HTTP gateway with the"
      + " same pipeline driven directly through Kafka (max QPS at the target, light-load latency); writes gateway.md"
      + " and gateway.json.")
  boolean gateway;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (gateway) {
      List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
      args.remove("perf");
      String md = GatewayRun.run(engines, quick, WorkloadSpec.parse(lanes, prompts, outputs, duplicateRate), seed,
          out, new Progress(System.err), "./codegen perf " + String.join(" ", args));
      System.out.println("wrote " + out.resolve("gateway.md") + ", gateway.json");
      System.out.println(md);
      return 0;
    }
    if (typing) {
      List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
      args.remove("perf");
      TypingBenchmark.Settings settings = new TypingBenchmark.Settings(editors,
          Duration.ofSeconds(quick ? 20 : 60), 0.6, 64, 200, seed);
      List<TypingBenchmark.ModeResult> results = TypingBenchmark.run(engines, settings, out,
          new Progress(System.err), "./codegen perf " + String.join(" ", args));
      System.out.println("wrote " + out.resolve("typing.md") + ", typing.json");
      System.out.println(java.nio.file.Files.readString(out.resolve("typing.md")));
      return results.isEmpty() ? 1 : 0;
    }
    WorkloadSpec workload = WorkloadSpec.parse(lanes, prompts, outputs, duplicateRate);
    List<ServingConfig> serving = configs.stream().map(ServingConfig::byLabel).toList();
    List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    if (!args.isEmpty() && args.get(0).equals("perf")) {
      args.remove(0);
    }
    String command = "./codegen perf " + String.join(" ", args);
    PerfRun run = new PerfRun(quick ? PerfProfile.QUICK : PerfProfile.FULL, workload, engines, serving,
        targetMs == null ? null : Duration.ofMillis(targetMs), dynamicSettings, limits, seed, out, command);
    RunResult result = run.execute(new Progress(System.err));
    System.out.println("wrote " + out.resolve("results.md") + ", points.csv, latency.png, summary.json");
    System.out.println(PerfRun.summaryLine(result));
    return 0;
  }
}
