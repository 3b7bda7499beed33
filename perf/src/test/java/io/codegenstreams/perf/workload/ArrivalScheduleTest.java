package io.codegenstreams.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void shouldAverageTheRequestedRateWhenPoisson() {
    List<Long> arrivals = ArrivalSchedule.poisson(50, 200 * SECOND, new Random(1));
    assertThat(arrivals.size() / 200.0).isBetween(48.0, 52.0);
    assertThat(arrivals).isSorted().allMatch(t -> t >= 0 && t < 200 * SECOND);
  }

  @Test
  void shouldHaveExponentialGapsWhenPoisson() {
    List<Long> arrivals = ArrivalSchedule.poisson(10, 500 * SECOND, new Random(2));
    double mean = 0;
    double square = 0;
    for (int i = 1; i < arrivals.size(); i++) {
      double gap = (arrivals.get(i) - arrivals.get(i - 1)) / 1e9;
      mean += gap;
      square += gap * gap;
    }
    int n = arrivals.size() - 1;
    mean /= n;
    double sd = Math.sqrt(square / n - mean * mean);
    assertThat(mean).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.005));
    assertThat(sd / mean).as("coefficient of variation of an exponential is 1").isBetween(0.93, 1.07);
  }

  @Test
  void shouldReplayTheSameArrivalsWhenTheSeedIsTheSame() {
    assertThat(ArrivalSchedule.poisson(7, 10 * SECOND, new Random(3)))
        .isEqualTo(ArrivalSchedule.poisson(7, 10 * SECOND, new Random(3)));
  }

  @Test
  void shouldSendWholeBurstsAtTheirPeriodWhenBursts() {
    List<Long> arrivals = ArrivalSchedule.bursts(5, SECOND / 2, 2 * SECOND);
    assertThat(arrivals).hasSize(20);
    assertThat(arrivals.subList(0, 5)).containsOnly(0L);
    assertThat(arrivals.subList(15, 20)).containsOnly(3 * SECOND / 2);
  }

  @Test
  void shouldRiseLinearlyWhenRamp() {
    List<Long> arrivals = ArrivalSchedule.ramp(10, 90, 100 * SECOND, new Random(4));
    long firstHalf = arrivals.stream().filter(t -> t < 50 * SECOND).count();
    long secondHalf = arrivals.size() - firstHalf;
    // expected 30/s on average over the first half (1500) and 70/s over the second (3500)
    assertThat(firstHalf).isBetween(1350L, 1650L);
    assertThat(secondHalf).isBetween(3300L, 3700L);
    assertThat(arrivals).isSorted();
  }

  @Test
  void shouldKeepOrderWhenMerging() {
    assertThat(ArrivalSchedule.merge(List.of(1L, 4L, 9L), List.of(2L, 3L, 10L))).containsExactly(1L, 2L, 3L, 4L, 9L, 10L);
  }

  @Test
  void shouldRefuseWhenTheRateIsNotPositive() {
    assertThatThrownBy(() -> ArrivalSchedule.poisson(0, SECOND, new Random())).isInstanceOf(IllegalArgumentException.class);
  }
}
