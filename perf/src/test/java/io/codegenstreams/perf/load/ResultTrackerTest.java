package io.codegenstreams.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.Priority;
import org.junit.jupiter.api.Test;

class ResultTrackerTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldCountATimeoutAsSlowWhenComputingPercentiles() {
    ResultTracker t = new ResultTracker(1000 * MS);
    for (int i = 0; i < 99; i++) {
      t.sent("r" + i, Priority.NORMAL, 0);
      t.answered("r" + i, Outcome.OK, false, 100 * MS);
    }
    t.sent("late", Priority.LOW, 0);
    t.answered("late", Outcome.TIMEOUT, false, 5000 * MS);
    assertThat(t.percentileMillis(50)).isBetween(99.0, 101.0);
    assertThat(t.percentileMillis(100)).isBetween(4990.0, 5010.0);
    assertThat(t.lanePercentileMillis(Priority.LOW, 99)).isBetween(4990.0, 5010.0);
    assertThat(t.knownMisses(6000 * MS)).isEqualTo(1);
  }

  @Test
  void shouldMatchRepeatsInOrderWhenAnIdIsSentTwice() {
    ResultTracker t = new ResultTracker(1000 * MS);
    t.sent("x", Priority.HIGH, 0);
    t.sent("x", Priority.HIGH, 50 * MS);
    assertThat(t.answered("x", Outcome.OK, false, 300 * MS)).isTrue();
    assertThat(t.answered("x", Outcome.OK, true, 310 * MS)).isTrue();
    assertThat(t.answered("x", Outcome.OK, true, 320 * MS)).as("a third answer matches nothing").isFalse();
    assertThat(t.cached()).isEqualTo(1);
    assertThat(t.pending()).isZero();
  }

  @Test
  void shouldSplitMeanLatencyIntoQueueInferenceAndTheRestWhenAnswersReportTheirStages() {
    ResultTracker t = new ResultTracker(1000 * MS);
    t.sent("a", Priority.NORMAL, 0);
    t.sent("b", Priority.NORMAL, 0);
    t.sent("c", Priority.NORMAL, 0);
    t.answered("a", Outcome.OK, false, 100 * MS, 10, 60);
    t.answered("b", Outcome.OK, false, 200 * MS, 30, 100);
    t.answered("c", Outcome.OK, true, 900 * MS, 0, 0); // from the cache: no engine work to split
    LatencySplit split = t.split();
    assertThat(split.queueMs()).isEqualTo(20.0);
    assertThat(split.inferenceMs()).isEqualTo(80.0);
    assertThat(split.otherMs()).isEqualTo(50.0);
    assertThat(new ResultTracker(1000 * MS).split().otherMs()).isNaN();
  }

  @Test
  void shouldRecordUnansweredRequestsAsMissingWhenClosed() {
    ResultTracker t = new ResultTracker(1000 * MS);
    t.sent("a", Priority.NORMAL, 0);
    assertThat(t.knownMisses(500 * MS)).isZero();
    assertThat(t.knownMisses(1500 * MS)).isEqualTo(1);
    t.closeMissing(2000 * MS);
    assertThat(t.count(Outcome.MISSING)).isEqualTo(1);
    assertThat(t.percentileMillis(99)).isBetween(1990.0, 2010.0);
  }

  @Test
  void shouldIgnoreTheRampAndTheTailWhenMeasuringAFloodsRate() {
    ResultTracker t = new ResultTracker(1000 * MS);
    for (int i = 0; i < 100; i++) {
      t.sent("f" + i, Priority.NORMAL, 0);
    }
    // 25 slow answers, then 50 at 100/s, then 25 slow ones
    long now = 0;
    for (int i = 0; i < 100; i++) {
      now += (i < 25 || i >= 75) ? 200 * MS : 10 * MS;
      t.answered("f" + i, Outcome.OK, false, now);
    }
    assertThat(t.middleHalfRate()).isBetween(90.0, 110.0);
  }
}
