package io.codegenstreams.perf.load;

import io.codegenstreams.schemas.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Matches answers to the requests of one run and records end-to-end latency (from the moment a request was
 * created and sent to the moment its committed result was read) in HdrHistograms, overall and per lane. Every
 * outcome is recorded with the latency actually observed, so a TIMEOUT counts as slow, never as fast; requests
 * without any answer are recorded at the end of the drain. Thread-safe: senders and the result reader call it.
 */
public final class ResultTracker {
  private static final long HIGHEST_MICROS = 3_600_000_000L;

  private record Sent(Priority lane, long nanos) {}

  private final long targetNanos;
  private final Map<String, Deque<Sent>> outstanding = new HashMap<>();
  private final Histogram all = histogram();
  private final Map<Priority, Histogram> byLane = new EnumMap<>(Priority.class);
  private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
  private final List<Long> okAnswers = new ArrayList<>();
  private int sent;
  private int pending;
  private int late;
  private int cached;
  private long firstSendNanos;
  private long lastAnswerNanos;
  /** Sums over fresh OK answers whose queue and inference times are known: where their latency went. */
  private long splitCount;
  private double splitTotalMs;
  private double splitQueueMs;
  private double splitInferenceMs;

  public ResultTracker(long targetNanos) {
    this.targetNanos = targetNanos;
  }

  private static Histogram histogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  public synchronized void sent(String id, Priority lane, long nanos) {
    if (sent++ == 0) {
      firstSendNanos = nanos;
    }
    pending++;
    outstanding.computeIfAbsent(id, k -> new ArrayDeque<>()).addLast(new Sent(lane, nanos));
  }

  /** The lane {@code id} was sent on, or null when this run is not waiting for it (diagnostics). */
  public synchronized Priority laneOf(String id) {
    Deque<Sent> waiting = outstanding.get(id);
    return waiting == null || waiting.isEmpty() ? null : waiting.peekFirst().lane();
  }

  /** An answer for {@code id}; answers to ids this run did not send are ignored. Returns true if it matched. */
  public synchronized boolean answered(String id, Outcome outcome, boolean fromCache, long nanos) {
    return answered(id, outcome, fromCache, nanos, -1, -1);
  }

  /**
   * An answer that also tells how long its request waited before the engine ran it ({@code queueMs}: lane buffer
   * and engine queue) and how long the engine worked on it ({@code inferenceMs}); negative when unknown. The rest of
   * its latency is the path around the engine: through Kafka, the stream thread and the transaction commit.
   */
  public synchronized boolean answered(String id, Outcome outcome, boolean fromCache, long nanos, double queueMs,
                                       double inferenceMs) {
    Deque<Sent> waiting = outstanding.get(id);
    if (waiting == null || waiting.isEmpty()) {
      return false;
    }
    Sent s = waiting.pollFirst();
    if (waiting.isEmpty()) {
      outstanding.remove(id);
    }
    record(s, outcome, nanos);
    if (outcome == Outcome.OK) {
      okAnswers.add(nanos);
      if (!fromCache && queueMs >= 0 && inferenceMs >= 0) {
        splitCount++;
        splitTotalMs += (nanos - s.nanos()) / 1e6;
        splitQueueMs += queueMs;
        splitInferenceMs += inferenceMs;
      }
    }
    if (fromCache) {
      cached++;
    }
    lastAnswerNanos = Math.max(lastAnswerNanos, nanos);
    return true;
  }

  private void record(Sent s, Outcome outcome, long nanos) {
    long micros = Math.min(HIGHEST_MICROS, Math.max(0, (nanos - s.nanos()) / 1000));
    all.recordValue(micros);
    byLane.computeIfAbsent(s.lane(), l -> histogram()).recordValue(micros);
    outcomes.merge(outcome, 1, Integer::sum);
    pending--;
    if (outcome != Outcome.OK || nanos - s.nanos() > targetNanos) {
      late++;
    }
  }

  /** Records every request still unanswered as MISSING at {@code nanos}. */
  public synchronized void closeMissing(long nanos) {
    for (Deque<Sent> waiting : outstanding.values()) {
      for (Sent s : waiting) {
        record(s, Outcome.MISSING, nanos);
      }
    }
    outstanding.clear();
  }

  /**
   * OK answers per second between the 25th and the 75th percentile answer time: the throughput of a flood without
   * its ramp-up (batches forming) and its tail (the last, thinning batches). NaN with fewer than 8 answers.
   */
  public synchronized double middleHalfRate() {
    if (okAnswers.size() < 8) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(okAnswers);
    Collections.sort(sorted);
    int from = sorted.size() / 4;
    int to = sorted.size() * 3 / 4 - 1;
    long span = sorted.get(to) - sorted.get(from);
    return span <= 0 ? Double.NaN : (to - from) / (span / 1e9);
  }

  /** Mean latency of fresh OK answers split into waiting, inference and the rest; NaNs when none reported it. */
  public synchronized LatencySplit split() {
    if (splitCount == 0) {
      return LatencySplit.UNKNOWN;
    }
    double queue = splitQueueMs / splitCount;
    double inference = splitInferenceMs / splitCount;
    return new LatencySplit(queue, inference, splitTotalMs / splitCount - queue - inference);
  }

  public synchronized int pending() {
    return pending;
  }

  public synchronized int sentCount() {
    return sent;
  }

  /**
   * Requests already known to miss the target: answered late or not OK, or still unanswered past the target.
   * Once more than 1% of a run's requests are in this set, its P99 cannot meet the target.
   */
  public synchronized int knownMisses(long nowNanos) {
    int overdue = 0;
    for (Deque<Sent> waiting : outstanding.values()) {
      for (Sent s : waiting) {
        if (nowNanos - s.nanos() > targetNanos) {
          overdue++;
        }
      }
    }
    return late + overdue;
  }

  public synchronized long firstSendNanos() {
    return firstSendNanos;
  }

  public synchronized long lastAnswerNanos() {
    return lastAnswerNanos;
  }

  public synchronized int cached() {
    return cached;
  }

  public synchronized int count(Outcome outcome) {
    return outcomes.getOrDefault(outcome, 0);
  }

  /** Latency at {@code percentile} (0..100) in milliseconds, over all requests; NaN when none was recorded. */
  public synchronized double percentileMillis(double percentile) {
    return all.getTotalCount() == 0 ? Double.NaN : all.getValueAtPercentile(percentile) / 1000.0;
  }

  public synchronized double lanePercentileMillis(Priority lane, double percentile) {
    Histogram h = byLane.get(lane);
    return h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  public synchronized double maxMillis() {
    return all.getTotalCount() == 0 ? Double.NaN : all.getMaxValue() / 1000.0;
  }
}
