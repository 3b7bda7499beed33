package io.codegenstreams.perf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The latency of one request alone on the idle system, over the workload's mix: requests of each class (prompt
 * length x output length) are sent alone, and their latencies, weighted by how often the mix draws their class,
 * form the idle distribution. The P99 target is twice its P99 (a P99 against a P99). Twice the latency of one
 * mean-sized request was the reference before, and it was wrong for a mix: where larger requests, or the spread of
 * identical ones (a result waits for its transaction's commit), take more than twice a typical one even alone, no
 * load at all could meet it, and a sweep only found which rate happened to draw none of the slow ones (on the CPU
 * model, identical requests alone took 45-107 ms against a 60 ms median).
 */
public record IdleLatency(double p50Ms, double p99Ms) {

  /** One request alone: the share of the mix it stands for, and its latency. */
  public record Sample(double weight, double millis) {}

  public static IdleLatency of(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples measured");
    }
    return new IdleLatency(quantile(samples, 0.50), quantile(samples, 0.99));
  }

  /** The smallest latency whose samples, with all faster ones, stand for at least {@code q} of the mix. */
  static double quantile(List<Sample> samples, double q) {
    List<Sample> sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.comparingDouble(Sample::millis));
    double total = sorted.stream().mapToDouble(Sample::weight).sum();
    double cumulative = 0;
    for (Sample c : sorted) {
      cumulative += c.weight() / total;
      if (cumulative >= q - 1e-9) {
        return c.millis();
      }
    }
    return sorted.get(sorted.size() - 1).millis();
  }

  /** The default P99 target: twice the idle P99. */
  public Duration target() {
    return Duration.ofMillis(Math.round(2 * p99Ms));
  }
}
