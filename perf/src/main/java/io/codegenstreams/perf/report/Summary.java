package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.PointResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headline figures, computed from a {@link RunResult}: the content of {@code summary.json} and the closing
 * one-line summary. A ratio whose denominator is zero or unmeasured is {@code null} (never infinity, never a
 * made-up number).
 */
public final class Summary {
  public static final String SYNC = "sync";
  public static final String BASIC = "basic-async";
  public static final String DYNAMIC = "dynamic";

  private Summary() {}

  /** {@code a / b}, or null when either is unmeasured or b is not positive. */
  public static Double ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b <= 0 || Double.isInfinite(a)) {
      return null;
    }
    return a / b;
  }

  static Double finite(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  public static double maxQps(EngineResult e, String config) {
    ConfigResult c = e.pipeline().get(config);
    return c == null ? Double.NaN : c.maxQps();
  }

  public static double inProcessMaxQps(EngineResult e, String config) {
    ConfigResult c = e.inProcess().get(config);
    return c == null ? Double.NaN : c.maxQps();
  }

  public static Double dynamicOverSync(EngineResult e) {
    return ratio(maxQps(e, DYNAMIC), maxQps(e, SYNC));
  }

  public static Double dynamicOverBasic(EngineResult e) {
    return ratio(maxQps(e, DYNAMIC), maxQps(e, BASIC));
  }

  public static Double pipelineOverInProcess(EngineResult e) {
    return ratio(maxQps(e, DYNAMIC), inProcessMaxQps(e, DYNAMIC));
  }

  /** Engine utilisation during the dynamic pipeline run at its max QPS. */
  public static Double utilisation(EngineResult e) {
    ConfigResult c = e.pipeline().get(DYNAMIC);
    return c == null || c.best() == null ? null : finite(c.best().utilisation());
  }

  public static Double highLaneRatio(EngineResult e) {
    return e.highLane() == null ? null : finite(e.highLane().ratio());
  }

  public static Map<String, Object> json(RunResult run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("quick", run.quick());
    root.put("command", run.command());
    root.put("workload", run.workload());
    root.put("seconds", round(run.seconds()));
    Map<String, Object> engines = new LinkedHashMap<>();
    for (EngineResult e : run.engines()) {
      engines.put(e.engine(), engine(e));
    }
    root.put("engines", engines);
    if (run.limits() != null) {
      LimitsResult l = run.limits();
      Map<String, Object> limits = new LinkedHashMap<>();
      limits.put("record_bytes", l.recordBytes());
      limits.put("raw_kafka_producer_rps", round(l.rawProducerRps()));
      limits.put("raw_kafka_consumer_rps", round(l.rawConsumerRps()));
      limits.put("zero_cost_pipeline_qps", round(l.zeroCostQps()));
      limits.put("kafka_share", round(l.kafkaShare()));
      root.put("zero_cost", limits);
      root.put("kafka_share", round(l.kafkaShare()));
    }
    return root;
  }

  private static Map<String, Object> engine(EngineResult e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", e.model());
    if (!e.note().isEmpty()) {
      m.put("note", e.note());
    }
    m.put("idle_p50_ms", round(e.idleP50Ms()));
    m.put("idle_p99_ms", round(e.idleP99Ms()));
    m.put("target_p99_ms", round(e.targetMs()));
    m.put("dynamic_settings", e.dynamicSettings().isEmpty() ? "engine defaults" : e.dynamicSettings());
    Map<String, Object> max = new LinkedHashMap<>();
    Map<String, Object> p99 = new LinkedHashMap<>();
    Map<String, Object> p50 = new LinkedHashMap<>();
    Map<String, Object> util = new LinkedHashMap<>();
    Map<String, Object> sat = new LinkedHashMap<>();
    Map<String, Object> cold = new LinkedHashMap<>();
    Map<String, Object> warm = new LinkedHashMap<>();
    for (ConfigResult c : e.pipeline().values()) {
      max.put(c.config(), round(c.maxQps()));
      p99.put(c.config(), c.best() == null ? null : round(c.best().p99Ms()));
      p50.put(c.config(), c.best() == null ? null : round(c.best().p50Ms()));
      util.put(c.config(), c.best() == null ? null : round(c.best().utilisation()));
      sat.put(c.config(), round(c.saturationQps()));
      cold.put(c.config(), round(c.coldStartMs()));
      warm.put(c.config(), round(c.warmStartMs()));
    }
    m.put("max_qps", max);
    m.put("p99_ms_at_max_qps", p99);
    m.put("p50_ms_at_max_qps", p50);
    m.put("utilisation_at_max_qps", util);
    m.put("saturation_qps", sat);
    m.put("cold_start_ms", cold);
    m.put("warm_start_ms", warm);
    Map<String, Object> inProcess = new LinkedHashMap<>();
    e.inProcess().values().forEach(c -> inProcess.put(c.config(), round(c.maxQps())));
    m.put("in_process_max_qps", inProcess);
    m.put("dynamic_over_sync", round(dynamicOverSync(e)));
    m.put("dynamic_over_basic", round(dynamicOverBasic(e)));
    m.put("pipeline_over_inprocess", round(pipelineOverInProcess(e)));
    m.put("utilisation", round(utilisation(e)));
    m.put("high_lane_p99_ratio", round(highLaneRatio(e)));
    if (e.highLane() != null) {
      HighLaneResult h = e.highLane();
      m.put("high_lane", Map.of("high_qps", round(h.highQps()), "low_flood_qps", round(h.floodQps()),
          "unloaded_p99_ms", round(h.unloadedP99Ms()), "flooded_p99_ms", round(h.floodedP99Ms())));
    }
    return m;
  }

  /** The closing line: the figures the targets are about, per engine, then kafka_share. */
  public static String line(RunResult run) {
    StringBuilder b = new StringBuilder("summary:");
    for (EngineResult e : run.engines()) {
      b.append(String.format(Locale.ROOT, " %s[%s] max_qps sync=%s basic=%s dynamic=%s dyn/sync=%s dyn/basic=%s"
              + " pipe/inproc=%s util=%s high_p99_ratio=%s;", e.engine(), e.model(), fmt(maxQps(e, SYNC)),
          fmt(maxQps(e, BASIC)), fmt(maxQps(e, DYNAMIC)), fmt(dynamicOverSync(e)), fmt(dynamicOverBasic(e)),
          fmt(pipelineOverInProcess(e)), fmt(utilisation(e)), fmt(highLaneRatio(e))));
    }
    b.append(" kafka_share=").append(run.limits() == null ? "n/a" : fmt(run.limits().kafkaShare()));
    b.append(String.format(Locale.ROOT, " (%s run, %.0f s)", run.quick() ? "quick" : "full", run.seconds()));
    return b.toString();
  }

  static String fmt(Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return "n/a";
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
  }

  static Object round(Double v) {
    Double f = v == null ? null : finite(v);
    if (f == null) {
      return null;
    }
    return Math.round(f * 1000.0) / 1000.0;
  }

  static Object round(double v) {
    return round(Double.valueOf(v));
  }

  /** Points of all runs, for the CSV and the chart. */
  public static List<PointRow> rows(RunResult run) {
    List<PointRow> rows = new java.util.ArrayList<>();
    for (EngineResult e : run.engines()) {
      for (ConfigResult c : e.pipeline().values()) {
        c.points().forEach(p -> rows.add(new PointRow(e.engine(), c.config(), c.mode(), p)));
      }
      for (ConfigResult c : e.inProcess().values()) {
        c.points().forEach(p -> rows.add(new PointRow(e.engine(), c.config(), c.mode(), p)));
      }
    }
    return rows;
  }

  /** One measured run with where it belongs. */
  public record PointRow(String engine, String config, String mode, PointResult point) {}
}
