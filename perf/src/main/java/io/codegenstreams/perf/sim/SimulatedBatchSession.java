package io.codegenstreams.perf.sim;

import io.codegenstreams.inference.spi.BackendException;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.SequenceView;
import io.codegenstreams.inference.spi.StepControl;
import io.codegenstreams.inference.spi.StepTerminatedException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A batch session that computes nothing: it keeps the same bookkeeping as a real KV cache (which sequence ids it
 * holds and at which length), charges prefill for rows it does not hold, sleeps for the {@link CostModel}'s step
 * time, and returns logits whose argmax is a printable byte that is never end-of-text, so a sequence runs until
 * its {@code max_new_tokens}.
 */
final class SimulatedBatchSession implements BatchSession {
  private final CostModel cost;
  private final int vocabSize;
  private final long kvBytesPerToken;
  private final Map<Long, Integer> cached = new HashMap<>();
  /** Parked sequences (paused or preempted) and their cached length, as a GPU engine would keep their KV. */
  private final Map<Long, Integer> parked = new HashMap<>();

  SimulatedBatchSession(CostModel cost, int vocabSize, long kvBytesPerToken) {
    this.cost = cost;
    this.vocabSize = vocabSize;
    this.kvBytesPerToken = kvBytesPerToken;
  }

  @Override
  public float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException {
    int prefillTokens = 0;
    Set<Long> present = new HashSet<>();
    for (SequenceView row : rows) {
      present.add(row.id());
      Integer held = cached.containsKey(row.id()) ? cached.get(row.id()) : parked.remove(row.id());
      if (held == null || held != row.length() - 1) {
        prefillTokens += row.length();
      }
    }
    cached.keySet().retainAll(present);
    sleep(cost.stepNanos(rows.size(), prefillTokens), control);
    float[][] logits = new float[rows.size()][vocabSize];
    for (int i = 0; i < rows.size(); i++) {
      SequenceView row = rows.get(i);
      logits[i][' ' + (row.length() % 94)] = 1f; // printable ASCII, never end-of-text
      cached.put(row.id(), row.length());
    }
    return logits;
  }

  private static void sleep(long nanos, StepControl control) throws StepTerminatedException {
    if (nanos <= 0) {
      return;
    }
    Thread self = Thread.currentThread();
    control.onCancel(() -> LockSupport.unpark(self));
    try {
      long end = System.nanoTime() + nanos;
      for (long left = nanos; left > 0; left = end - System.nanoTime()) {
        if (control.isCancelled()) {
          throw new StepTerminatedException("simulated step cancelled", null);
        }
        LockSupport.parkNanos(left);
      }
    } finally {
      control.clear();
    }
  }

  @Override
  public void park(SequenceView s) {
    Integer held = cached.remove(s.id());
    if (held != null) {
      parked.put(s.id(), held);
    }
  }

  @Override
  public void reset() {
    cached.clear();
    parked.clear();
  }

  @Override
  public long kvBytes() {
    long tokens = 0;
    for (int length : cached.values()) {
      tokens += length;
    }
    for (int length : parked.values()) {
      tokens += length;
    }
    return tokens * kvBytesPerToken;
  }

  @Override
  public void close() {
    cached.clear();
    parked.clear();
  }
}
