package io.codegenstreams.perf.load;

import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.schemas.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Plays a plan open-loop into a {@link RequestSink}: each request is sent at its planned instant whatever happened
 * to earlier ones. Then drains: waits until every request is answered, or until its deadline (plus a grace) has
 * passed. A run whose target is already lost (more than 1% of the planned requests late or failed) stops sending
 * early: the rest would only queue behind them and lengthen the drain.
 */
public final class LoadRunner {
  private static final long CHECK_EVERY_NANOS = 100_000_000L;

  /**
   * @param target       the P99 latency target
   * @param deadline     carried by every request: an answer later than this is useless (and arrives as TIMEOUT)
   * @param drainGrace   how long past the last deadline to wait for stragglers
   * @param abortEarly   stop sending once the run has certainly failed
   */
  public record Settings(Duration target, Duration deadline, Duration drainGrace, boolean abortEarly) {}

  private final Settings settings;
  private final EngineMeter meter;

  public LoadRunner(Settings settings, EngineMeter meter) {
    this.settings = settings;
    this.meter = meter;
  }

  /** Runs the plan; {@code progress} receives the number of answers so far, now and then. */
  public PointResult run(double offeredQps, List<PlannedRequest> plan, RequestSink sink, IntConsumer progress) {
    long targetNanos = settings.target().toNanos();
    ResultTracker tracker = new ResultTracker(targetNanos);
    sink.attach(tracker);
    int allowedMisses = (int) Math.floor(plan.size() * 0.01);
    EngineMeter.Snapshot before = meter.snapshot();
    long start = System.nanoTime() + 10_000_000L;
    long nextCheck = start + CHECK_EVERY_NANOS;
    boolean aborted = false;
    for (PlannedRequest r : plan) {
      long at = start + r.atNanos();
      for (long now = System.nanoTime(); now < at; now = System.nanoTime()) {
        LockSupport.parkNanos(Math.min(at - now, CHECK_EVERY_NANOS));
      }
      long now = System.nanoTime();
      if (now >= nextCheck) {
        nextCheck = now + CHECK_EVERY_NANOS;
        progress.accept(tracker.sentCount() - tracker.pending());
        if (settings.abortEarly() && tracker.knownMisses(now) > allowedMisses) {
          aborted = true;
          break;
        }
      }
      Instant created = Instant.now();
      tracker.sent(r.id(), r.lane(), System.nanoTime());
      sink.send(r, created, created.plus(settings.deadline()));
    }
    long lastSend = System.nanoTime();
    long drainEnd = lastSend + settings.deadline().toNanos() + settings.drainGrace().toNanos();
    while (tracker.pending() > 0 && System.nanoTime() < drainEnd) {
      LockSupport.parkNanos(20_000_000L);
      progress.accept(tracker.sentCount() - tracker.pending());
    }
    long end = System.nanoTime();
    tracker.closeMissing(end);
    progress.accept(tracker.sentCount());
    EngineMeter.Snapshot after = meter.snapshot();
    return summarize(offeredQps, tracker, before, after, aborted, start, end);
  }

  private PointResult summarize(double offeredQps, ResultTracker t, EngineMeter.Snapshot before,
                                EngineMeter.Snapshot after, boolean aborted, long start, long end) {
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, t.count(o));
    }
    Map<Priority, Double> lanes = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      double v = t.lanePercentileMillis(p, 99);
      if (!Double.isNaN(v)) {
        lanes.put(p, v);
      }
    }
    int sent = t.sentCount();
    long windowStart = sent == 0 ? start : t.firstSendNanos();
    long windowEnd = t.lastAnswerNanos() > windowStart ? t.lastAnswerNanos() : end;
    double window = (windowEnd - windowStart) / 1e9;
    double achieved = window <= 0 ? 0 : t.count(Outcome.OK) / window;
    EngineMeter.Snapshot windowStartSnap = new EngineMeter.Snapshot(before.busyNanos(), before.steps(), before.rows(),
        windowStart);
    EngineMeter.Snapshot windowEndSnap = new EngineMeter.Snapshot(after.busyNanos(), after.steps(), after.rows(),
        windowEnd);
    double p99 = t.percentileMillis(99);
    int notOk = sent - t.count(Outcome.OK);
    boolean passed = !aborted && sent > 0 && p99 <= settings.target().toMillis() && notOk <= Math.floor(sent * 0.01);
    return new PointResult(offeredQps, achieved, t.middleHalfRate(), sent, outcomes, t.cached(), t.percentileMillis(50),
        t.percentileMillis(90), p99, t.maxMillis(), lanes, windowEndSnap.utilisationSince(windowStartSnap),
        windowEndSnap.meanBatchSince(windowStartSnap), passed, aborted, (end - start) / 1e9, t.split());
  }
}
