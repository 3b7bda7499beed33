package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.PointResult;
import java.util.List;

/**
 * One serving configuration on one engine, driven one way ({@code pipeline} through Kafka, or {@code in-process}).
 *
 * @param points        every run of the sweep, in the order measured
 * @param best          the run at the highest rate that met the target, {@code null} when none did
 * @param saturationQps answers per second when flooded (in-process): the throughput ceiling, latency ignored
 * @param coldStartMs   start with a cold engine (model load and warm-up) to the first committed result; NaN if not measured
 * @param warmStartMs   start of the pipeline on an engine already loaded to the first committed result; NaN if not measured
 */
public record ConfigResult(String engine, String config, String mode, List<PointResult> points, PointResult best,
                           double saturationQps, double coldStartMs, double warmStartMs) {

  public double maxQps() {
    return best == null ? 0 : best.offeredQps();
  }
}
