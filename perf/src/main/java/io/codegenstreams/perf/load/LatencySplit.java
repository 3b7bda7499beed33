package io.codegenstreams.perf.load;

/**
 * Where the mean latency of a run's fresh OK answers went: waiting for the engine (lane buffer and engine queue),
 * inside the engine, and everything else (for the pipeline: producing the request, the stream thread, waiting for
 * the transaction to commit and reading the result). Means, so the three add up to the mean latency.
 */
public record LatencySplit(double queueMs, double inferenceMs, double otherMs) {
  public static final LatencySplit UNKNOWN = new LatencySplit(Double.NaN, Double.NaN, Double.NaN);
}
