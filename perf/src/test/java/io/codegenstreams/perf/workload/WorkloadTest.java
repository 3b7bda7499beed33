package io.codegenstreams.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.codegenstreams.schemas.Priority;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void shouldParseWeightsAndMeanWhenMixIsWritten() {
    Mix<Integer> m = Mix.ofInts(WorkloadSpec.DEFAULT_OUTPUTS);
    assertThat(m.values()).containsExactly(60, 100, 140);
    assertThat(m.mean(Integer::doubleValue)).isCloseTo(100, offset(1e-9));
  }

  @Test
  void shouldSampleInProportionWhenMixHasWeights() {
    Mix<String> m = Mix.parse("a:1,b:3", s -> s);
    Random r = new Random(5);
    int b = 0;
    for (int i = 0; i < 40_000; i++) {
      b += m.sample(r).equals("b") ? 1 : 0;
    }
    assertThat(b / 40_000.0).isCloseTo(0.75, offset(0.01));
  }

  @Test
  void shouldShortenPromptsWhenTheContextIsSmall() {
    WorkloadSpec spec = WorkloadSpec.parse(WorkloadSpec.DEFAULT_LANES, "128:1,1536:1", "60:1,140:1", 0);
    assertThat(spec.fitting(256).promptBytes().values()).containsExactly(114, 114);
    assertThat(spec.fitting(4096).promptBytes().values()).containsExactly(128, 1536);
  }

  @Test
  void shouldRepeatEarlierIdsWhenDuplicateRateIsSet() {
    WorkloadSpec spec = WorkloadSpec.parse(WorkloadSpec.DEFAULT_LANES, "100", "10", 0.2);
    List<PlannedRequest> plan = new WorkloadPlanner(spec, "x-").plan(Collections.nCopies(5_000, 0L), 1);
    long duplicates = plan.stream().filter(PlannedRequest::duplicate).count();
    assertThat(duplicates / 5_000.0).isCloseTo(0.2, offset(0.02));
    assertThat(plan.stream().filter(PlannedRequest::duplicate))
        .allMatch(d -> plan.stream().anyMatch(o -> !o.duplicate() && o.id().equals(d.id()) && o.lane() == d.lane()));
  }

  @Test
  void shouldPlanTheSameRequestsWhenTheSeedIsTheSame() {
    WorkloadSpec spec = WorkloadSpec.parse(WorkloadSpec.DEFAULT_LANES, WorkloadSpec.DEFAULT_PROMPTS,
        WorkloadSpec.DEFAULT_OUTPUTS, 0);
    List<Long> at = List.of(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(new WorkloadPlanner(spec, "a").plan(at, 9)).isEqualTo(new WorkloadPlanner(spec, "a").plan(at, 9));
  }

  @Test
  void shouldSendEverythingAsNormalWhenSingleLane() {
    WorkloadSpec spec = WorkloadSpec.parse(WorkloadSpec.DEFAULT_LANES, "100", "10", 0).singleLane();
    assertThat(new WorkloadPlanner(spec, "s").plan(Collections.nCopies(200, 0L), 3))
        .allMatch(r -> r.lane() == Priority.NORMAL);
  }

  @Test
  void shouldBuildPromptsOfTheExactLengthWhenAsked() {
    assertThat(Prompts.ofLength(1536).getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(1536);
    assertThat(Prompts.ofLength(7)).isEqualTo("public ");
  }
}
