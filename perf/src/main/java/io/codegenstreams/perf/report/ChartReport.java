package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.PointResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code latency.png}: for each engine, end-to-end P50 (dashed) and P99 (solid) latency against offered load, one
 * colour per configuration (a log rate axis when sync and dynamic differ by orders of magnitude), with the
 * P99 target as a grey line. Points are every rate the sweep measured.
 */
public final class ChartReport {
  private static final Map<String, Color> COLORS = Map.of(
      Summary.SYNC, new Color(0xC0392B), Summary.BASIC, new Color(0xE67E22), Summary.DYNAMIC, new Color(0x2471A3));
  private static final Color IN_PROCESS = new Color(0x27AE60);
  private static final BasicStroke DASHED =
      new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
  private static final BasicStroke SOLID = new BasicStroke(2f);

  private ChartReport() {}

  public static void write(RunResult run, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<XYChart> charts = new ArrayList<>();
    for (EngineResult e : run.engines()) {
      charts.add(chart(e));
    }
    if (charts.isEmpty()) {
      return;
    }
    BitmapEncoder.saveBitmap(charts, charts.size(), 1, file.toString(), BitmapFormat.PNG);
  }

  static XYChart chart(EngineResult e) {
    XYChart chart = new XYChartBuilder().width(900).height(520)
        .title(e.engine() + " (" + e.model() + "): latency vs offered load")
        .xAxisTitle("offered load (requests/s)").yAxisTitle("end-to-end latency (s)").build();
    // a log rate axis when the rates span orders of magnitude (sync vs dynamic on a GPU); XChart labels only decades
    chart.getStyler().setXAxisLogarithmic(rateSpan(e) > 8);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setPlotGridLinesColor(new Color(0xDDDDDD));
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setDecimalPattern("#,##0.###");
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    for (ConfigResult c : e.pipeline().values()) {
      Color color = COLORS.getOrDefault(c.config(), Color.DARK_GRAY);
      minX = Math.min(minX, add(chart, c, color, c.config()));
      maxX = Math.max(maxX, maxQps(c));
    }
    for (ConfigResult c : e.inProcess().values()) {
      minX = Math.min(minX, add(chart, c, IN_PROCESS, c.config() + " in-process"));
      maxX = Math.max(maxX, maxQps(c));
    }
    if (maxX > 0) {
      XYSeries target = chart.addSeries("P99 target " + Math.round(e.targetMs()) + " ms",
          new double[] {minX * 0.8, maxX * 1.25}, new double[] {e.targetMs() / 1000, e.targetMs() / 1000});
      target.setMarker(SeriesMarkers.NONE);
    style(target, Color.GRAY, DASHED);
    }
    return chart;
  }

  private static double rateSpan(EngineResult e) {
    double[] rates = java.util.stream.Stream.concat(e.pipeline().values().stream(), e.inProcess().values().stream())
        .flatMap(c -> c.points().stream()).mapToDouble(PointResult::offeredQps).filter(q -> q > 0).toArray();
    if (rates.length == 0) {
      return 1;
    }
    return java.util.Arrays.stream(rates).max().getAsDouble() / java.util.Arrays.stream(rates).min().getAsDouble();
  }

  private static double maxQps(ConfigResult c) {
    return c.points().stream().mapToDouble(PointResult::offeredQps).max().orElse(0);
  }

  /** Adds P50 and P99 series of one configuration; returns its lowest rate. */
  private static double add(XYChart chart, ConfigResult c, Color color, String name) {
    List<PointResult> points = c.points().stream().filter(p -> p.sent() > 0 && !Double.isNaN(p.p99Ms()))
        .sorted(Comparator.comparingDouble(PointResult::offeredQps)).toList();
    if (points.isEmpty()) {
      return Double.MAX_VALUE;
    }
    double[] x = points.stream().mapToDouble(PointResult::offeredQps).toArray();
    double[] p50 = points.stream().mapToDouble(p -> p.p50Ms() / 1000).toArray();
    double[] p99 = points.stream().mapToDouble(p -> p.p99Ms() / 1000).toArray();
    XYSeries s99 = chart.addSeries(name + " P99", x, p99);
    style(s99, color, SOLID);
    s99.setMarker(SeriesMarkers.CIRCLE);
    XYSeries s50 = chart.addSeries(name + " P50", x, p50);
    style(s50, color, DASHED);
    s50.setMarker(SeriesMarkers.DIAMOND);
    return x[0];
  }

  private static void style(XYSeries s, Color color, BasicStroke stroke) {
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setLineStyle(stroke);
  }
}
