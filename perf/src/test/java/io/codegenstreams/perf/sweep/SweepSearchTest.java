package io.codegenstreams.perf.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepSearchTest {

  /** A system that meets the target up to {@code capacity} requests per second. */
  private static SweepSearch.Probe<Double> capacity(double capacity) {
    return SweepSearch.probe(q -> q, q -> q <= capacity);
  }

  @Test
  void shouldConvergeOnTheCapacityWhenTheBudgetAllows() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(20, 0.02, 0.01).search(5, 20, capacity(7.3));
    assertThat(o.maxQps()).isLessThanOrEqualTo(7.3).isGreaterThan(7.3 * 0.97);
    assertThat(o.best().passed()).isTrue();
  }

  @Test
  void shouldHalveUntilSomethingPassesWhenTheStartIsTooHigh() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(3, 0.02, 0.01).search(8, 10, capacity(1.5));
    assertThat(o.steps()).extracting(SweepSearch.Step::qps).containsExactly(8.0, 4.0, 2.0);
    assertThat(o.best()).isNull();
    assertThat(o.maxQps()).isZero();
  }

  @Test
  void shouldTryTheMiddleOfTheBracketWhenAPassAndAFailAreKnown() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(3, 0.01, 0.01).search(4, 10, capacity(5));
    // 4 passes; the bound 10 was assumed, never measured: middle 7 fails; then middle of 4..7
    assertThat(o.steps()).extracting(SweepSearch.Step::qps).containsExactly(4.0, 7.0, 5.5);
    assertThat(o.maxQps()).isEqualTo(4.0);
  }

  @Test
  void shouldLookAboveTheAssumedBoundWhenItPasses() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(4, 0.05, 0.01).search(10, 10, capacity(100));
    assertThat(o.steps()).extracting(SweepSearch.Step::qps).first().isEqualTo(10.0);
    assertThat(o.maxQps()).isGreaterThan(10);
  }

  @Test
  void shouldStopAtTheFloorWhenNothingPasses() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(50, 0.05, 1).search(8, 8, capacity(0.1));
    assertThat(o.steps()).extracting(SweepSearch.Step::qps).containsExactly(8.0, 4.0, 2.0, 1.0);
    assertThat(o.best()).isNull();
  }

  @Test
  void shouldStopWhenTheBracketIsNarrowerThanThePrecision() {
    SweepSearch.Outcome<Double> o = new SweepSearch<Double>(50, 0.1, 0.01).search(5, 20, capacity(9.7));
    double lowestFailure = o.steps().stream().filter(s -> !s.passed()).mapToDouble(SweepSearch.Step::qps).min()
        .orElseThrow();
    assertThat((lowestFailure - o.maxQps()) / lowestFailure).isLessThan(0.1);
    assertThat(o.steps()).hasSizeLessThan(10);
  }
}
