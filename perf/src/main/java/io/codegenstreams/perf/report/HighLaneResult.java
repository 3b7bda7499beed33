package io.codegenstreams.perf.report;

/**
 * HIGH-lane latency with and without a LOW-lane flood (dynamic configuration, through the pipeline).
 *
 * @param highQps        rate of the HIGH stream, the same in both runs
 * @param floodQps       rate of the LOW flood (2x the measured capacity)
 * @param unloadedP99Ms  HIGH P99 with the HIGH stream alone
 * @param floodedP99Ms   HIGH P99 with the LOW flood
 */
public record HighLaneResult(double highQps, double floodQps, double unloadedP99Ms, double floodedP99Ms) {
  public double ratio() {
    return unloadedP99Ms > 0 ? floodedP99Ms / unloadedP99Ms : Double.NaN;
  }
}
