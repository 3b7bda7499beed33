package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check reads the real topics of a real broker. */
@Tag("integration")
class TopicCheckIT {
  @TempDir Path dir;

  @Test
  void shouldRefuseResultsTopicsThatBreakIdempotencyWhenTheyExistAlready() throws Exception {
    try (KafkaFixture kafka = new KafkaFixture(dir.resolve("kafka"), 4);
         Admin admin = Admin.create(kafka.clientProperties())) {
      assertThatCode(() -> TopicCheck.verify(admin, TopologyConfig.defaults()))
          .as("the topics KafkaFixture creates, as codegen run does").doesNotThrowAnyException();

      admin.createTopics(List.of(new NewTopic("team.results", Optional.of(2), Optional.empty())
          .configs(Map.of("cleanup.policy", "delete")))).all().get();
      TopologyConfig renamed = new TopologyConfig(Map.of(TopologyConfig.RESULTS_TOPIC, "team.results"));
      assertThatThrownBy(() -> TopicCheck.verify(admin, renamed))
          .isInstanceOf(TopicCheck.MisconfiguredTopicException.class)
          .hasMessageContaining("team.results has cleanup.policy=delete")
          .hasMessageContaining("team.results has 2 partitions and codegen.requests has 4");
    }
  }
}
