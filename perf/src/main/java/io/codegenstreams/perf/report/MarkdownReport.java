package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.PointResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code results.md}: the article's table (approach, max QPS, P99, P50, utilisation) per engine, with the cold-start
 * columns, then the limits and the ratios.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static void write(RunResult run, Path file) throws IOException {
    Files.writeString(file, render(run));
  }

  public static String render(RunResult run) {
    StringBuilder b = new StringBuilder();
    b.append("# codegen-streams perf (").append(run.quick() ? "quick" : "full").append(" run)\n\n");
    b.append("Command: `").append(run.command()).append("`  \n");
    b.append("Workload: ").append(run.workload()).append("\n\n");
    for (EngineResult e : run.engines()) {
      b.append("## ").append(e.engine()).append(" (").append(e.model()).append(")\n\n");
      if (!e.note().isEmpty()) {
        b.append("Note: ").append(e.note()).append("\n\n");
      }
      b.append(String.format(Locale.ROOT, "One request alone, over the mix: P50 %.0f ms, P99 %.0f ms. Target: P99 ≤ %.0f ms."
          + " Dynamic: %s.%n%n", e.idleP50Ms(), e.idleP99Ms(), e.targetMs(), e.dynamicSettings().isEmpty() ? "the engine's defaults"
              : "the engine's defaults with " + e.dynamicSettings()));
      b.append("| approach | max QPS at target | P99 at that load | P50 at that load | engine utilisation |"
          + " saturation QPS | cold start | warm start |\n");
      b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (ConfigResult c : e.pipeline().values()) {
        b.append(row(c, c.config()));
      }
      for (ConfigResult c : e.inProcess().values()) {
        b.append(row(c, c.config() + " (in-process, no Kafka)"));
      }
      b.append('\n');
      b.append(String.format(Locale.ROOT, "dynamic / sync = %s, dynamic / basic-async = %s, pipeline / in-process ="
              + " %s, utilisation at dynamic's max = %s, HIGH-lane P99 under a LOW flood / unloaded = %s%n%n",
          Summary.fmt(Summary.dynamicOverSync(e)), Summary.fmt(Summary.dynamicOverBasic(e)),
          Summary.fmt(Summary.pipelineOverInProcess(e)), Summary.fmt(Summary.utilisation(e)),
          Summary.fmt(Summary.highLaneRatio(e))));
      if (e.highLane() != null) {
        HighLaneResult h = e.highLane();
        b.append(String.format(Locale.ROOT, "HIGH lane: %.2f req/s alone P99 %.0f ms; with a LOW flood of %.1f"
            + " req/s P99 %.0f ms.%n%n", h.highQps(), h.unloadedP99Ms(), h.floodQps(), h.floodedP99Ms()));
      }
    }
    if (run.limits() != null) {
      LimitsResult l = run.limits();
      b.append("## Limits (same broker)\n\n");
      b.append("| what | records/s |\n|---|---:|\n");
      b.append(String.format(Locale.ROOT, "| raw Kafka producer (ProducerPerformance, acks=all, %d B) | %.0f |%n",
          l.recordBytes(), l.rawProducerRps()));
      b.append(String.format(Locale.ROOT, "| raw Kafka consumer (ConsumerPerformance) | %.0f |%n", l.rawConsumerRps()));
      b.append(String.format(Locale.ROOT, "| pipeline with the zero-cost engine (exactly-once) | %.0f |%n",
          l.zeroCostQps()));
      b.append(String.format(Locale.ROOT, "%nkafka_share = %s (zero-cost pipeline / min(producer, consumer))%n",
          Summary.fmt(l.kafkaShare())));
    }
    b.append("\n").append(Summary.line(run)).append("\n");
    return b.toString();
  }

  private static String row(ConfigResult c, String name) {
    PointResult p = c.best();
    return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", name,
        p == null ? "none met the target" : Summary.fmt(c.maxQps()),
        p == null ? "" : seconds(p.p99Ms()), p == null ? "" : seconds(p.p50Ms()),
        p == null ? "" : pct(p.utilisation()), Summary.fmt(c.saturationQps()), seconds(c.coldStartMs()),
        seconds(c.warmStartMs()));
  }

  static String seconds(double ms) {
    return Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "%.2f s", ms / 1000);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", v * 100);
  }
}
