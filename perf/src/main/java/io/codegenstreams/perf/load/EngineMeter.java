package io.codegenstreams.perf.load;

import io.codegenstreams.inference.EngineListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * Engine utilisation from the engine's own step reports: the share of wall time during which a decode step was
 * running ({@link EngineListener#onBatchStep} nanos), and the mean batch size.
 */
public final class EngineMeter implements EngineListener {
  private final LongAdder busyNanos = new LongAdder();
  private final LongAdder steps = new LongAdder();
  private final LongAdder rows = new LongAdder();

  /** Busy time, steps and sequences-in-steps at one instant; subtract two to get an interval. */
  public record Snapshot(long busyNanos, long steps, long rows, long atNanos) {
    public double utilisationSince(Snapshot start) {
      long wall = atNanos - start.atNanos;
      return wall <= 0 ? Double.NaN : Math.min(1.0, (busyNanos - start.busyNanos) / (double) wall);
    }

    public double meanBatchSince(Snapshot start) {
      long s = steps - start.steps;
      return s == 0 ? Double.NaN : (rows - start.rows) / (double) s;
    }

    public double meanStepMillisSince(Snapshot start) {
      long s = steps - start.steps;
      return s == 0 ? Double.NaN : (busyNanos - start.busyNanos) / 1e6 / s;
    }
  }

  @Override
  public void onBatchStep(String model, int batchSize, int newTokens, int prefillTokens, long nanos) {
    busyNanos.add(nanos);
    steps.increment();
    rows.add(batchSize);
  }

  public Snapshot snapshot() {
    return new Snapshot(busyNanos.sum(), steps.sum(), rows.sum(), System.nanoTime());
  }
}
