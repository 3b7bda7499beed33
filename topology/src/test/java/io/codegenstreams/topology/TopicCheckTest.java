package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCheckTest {
  private static final long DAY = 86_400_000L;

  private static List<String> problems(int results, int stream, String policy, long retention) {
    return TopicCheck.problems("req", "res", "str", 12, results, stream, policy, retention, DAY);
  }

  @Test
  void shouldAcceptTheTopicsCodegenRunCreatesWhenTheyAreUnchanged() {
    assertThat(problems(12, 12, "compact,delete", DAY)).isEmpty();
    assertThat(problems(12, 12, "compact", -1)).as("compacted and kept forever").isEmpty();
  }

  @Test
  void shouldNameTheTopicSettingWhenAnExistingTopicBreaksIdempotency() {
    assertThat(problems(12, 12, "delete", DAY)).singleElement().asString().contains("res")
        .contains("cleanup.policy=delete").contains("cleanup.policy=compact,delete");
    assertThat(problems(6, 12, "compact,delete", DAY)).singleElement().asString().contains("6 partitions")
        .contains("results.topic");
    assertThat(problems(12, 3, "compact,delete", DAY)).singleElement().asString().contains("str")
        .contains("stream.topic");
    assertThat(problems(12, 12, "compact,delete", 3_600_000L)).singleElement().asString()
        .contains("retention.ms=3600000").contains(TopologyConfig.IDEMPOTENCY_WINDOW_MS);
  }
}
