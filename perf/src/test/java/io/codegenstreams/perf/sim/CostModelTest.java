package io.codegenstreams.perf.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.codegenstreams.inference.spi.SequenceView;
import io.codegenstreams.inference.spi.StepControl;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {

  @Test
  void shouldChargeTheIssueCostsWhenDefault() {
    assertThat(CostModel.GPU_7B.stepNanos(1, 0)).isEqualTo(12_100_000L);
    assertThat(CostModel.GPU_7B.stepNanos(64, 0)).isEqualTo(18_400_000L);
    assertThat(CostModel.GPU_7B.stepNanos(2, 1000)).isEqualTo(12_200_000L + 15_000_000L);
  }

  @Test
  void shouldTakeAboutTheArticlesLatencyWhenOneRequestIsAlone() {
    assertThat(CostModel.GPU_7B.aloneMillis(500, 100)).isCloseTo(1_225, offset(5.0));
  }

  @Test
  void shouldCostNothingWhenZero() {
    assertThat(CostModel.ZERO.stepNanos(100, 10_000)).isZero();
  }

  record Row(long id, int length, int[] tokens) implements SequenceView {}

  @Test
  void shouldPrefillOnlyNewRowsWhenStepping() throws Exception {
    CostModel slow = new CostModel(0, 0, 50, 0); // only prefill costs: 50 ms
    SimulatedBatchSession session = new SimulatedBatchSession(slow, 257, 1);
    int[] t = new int[16];
    long start = System.nanoTime();
    session.step(List.of(new Row(1, 4, t)), new StepControl());
    long first = System.nanoTime() - start;
    start = System.nanoTime();
    float[][] logits = session.step(List.of(new Row(1, 5, t)), new StepControl());
    long second = System.nanoTime() - start;
    assertThat(first).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(second).isLessThan(20_000_000L);
    int argmax = 0;
    for (int i = 1; i < logits[0].length; i++) {
      argmax = logits[0][i] > logits[0][argmax] ? i : argmax;
    }
    assertThat(argmax).as("a printable byte, never end-of-text").isBetween(32, 126);
  }
}
