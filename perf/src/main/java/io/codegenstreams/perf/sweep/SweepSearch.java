package io.codegenstreams.perf.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * Finds the highest offered rate whose run meets the latency target, within a budget of runs.
 *
 * <p>The search keeps a bracket: {@code lo}, the highest rate that passed, and {@code hi}, the lowest rate that
 * failed (initially an assumed upper bound such as the saturation throughput, never measured). It starts at a
 * given rate; while nothing has passed it halves the rate; once something has passed it tries the middle of the
 * bracket (and when the assumed bound itself passes, it looks above it). It stops when the bracket is narrower than {@code precision} (relative to {@code hi}) or the budget is
 * spent. The answer is the best passing run, or none when every run failed.
 *
 * @param <R> what a run returns
 */
public final class SweepSearch<R> {

  /** One measured rate. */
  public record Step<R>(double qps, boolean passed, R result) {}

  /** All runs, in order, and the best passing one ({@code null} when none passed). */
  public record Outcome<R>(List<Step<R>> steps, Step<R> best) {
    public double maxQps() {
      return best == null ? 0 : best.qps();
    }
  }

  /** A run at one rate, and whether it met the target. */
  public interface Probe<R> {
    R run(double qps);

    boolean passed(R result);
  }

  private final int budget;
  private final double precision;
  private final double floorQps;

  /**
   * @param budget    most runs to spend
   * @param precision stop when {@code (hi - lo) / hi} is below this
   * @param floorQps  never try a rate below this (the search gives up instead)
   */
  public SweepSearch(int budget, double precision, double floorQps) {
    if (budget < 1 || !(precision > 0) || !(floorQps > 0)) {
      throw new IllegalArgumentException("budget >= 1, precision > 0 and floor > 0 are required");
    }
    this.budget = budget;
    this.precision = precision;
    this.floorQps = floorQps;
  }

  public Outcome<R> search(double startQps, double upperBoundQps, Probe<R> probe) {
    List<Step<R>> steps = new ArrayList<>();
    Step<R> best = null;
    double hi = Math.max(upperBoundQps, startQps);
    boolean hiMeasured = false;
    double q = Math.max(floorQps, Math.min(startQps, hi));
    for (int i = 0; i < budget; i++) {
      R result = probe.run(q);
      boolean passed = probe.passed(result);
      Step<R> step = new Step<>(q, passed, result);
      steps.add(step);
      if (passed) {
        if (best == null || q > best.qps()) {
          best = step;
        }
      } else if (q <= hi) {
        hi = q;
        hiMeasured = true;
      }
      if (best != null && !hiMeasured && (hi - best.qps()) / hi < precision) {
        hi = best.qps() * 2; // the assumed bound passed: it was no bound, look above it
      }
      if (best == null) {
        q = hi / 2;
        if (q < floorQps) {
          break;
        }
      } else if ((hi - best.qps()) / hi < precision) {
        break;
      } else {
        q = (best.qps() + hi) / 2;
      }
    }
    return new Outcome<>(steps, best);
  }

  /** Convenience for a probe given as two functions. */
  public static <R> Probe<R> probe(DoubleFunction<R> run, java.util.function.Predicate<R> passed) {
    return new Probe<>() {
      @Override
      public R run(double qps) {
        return run.apply(qps);
      }

      @Override
      public boolean passed(R result) {
        return passed.test(result);
      }
    };
  }
}
