package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.topology.internals.InstanceId;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticMembershipTest {
  private static final String KEY = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

  @TempDir Path dir;

  private Properties props(Path stateDir, Map<String, Object> topology, Map<String, Object> clients) {
    return CodegenPipeline.streamsProperties(new CodegenPipeline.Settings(new TopologyConfig(topology), clients,
        "http://registry", stateDir, Map.of()));
  }

  @Test
  void shouldKeepTheGroupInstanceIdWhenTheSameStateDirectoryIsReused() {
    Object first = props(dir.resolve("a"), Map.of(), Map.of()).get(KEY);
    Object again = props(dir.resolve("a"), Map.of(), Map.of()).get(KEY);
    Object other = props(dir.resolve("b"), Map.of(), Map.of()).get(KEY);
    assertThat(first).isEqualTo(again).asString().startsWith("codegen-streams-");
    assertThat(other).as("another instance, another state directory").isNotEqualTo(first);
    assertThat(first).isEqualTo("codegen-streams-" + InstanceId.of(dir.resolve("a")));
  }

  @Test
  void shouldUseTheOperatorsInstanceIdWhenTheClientSettingsNameOne() {
    Properties p = props(dir, Map.of(), Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pod-3"));
    assertThat(p).doesNotContainKey(KEY).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pod-3");
  }

  @Test
  void shouldJoinAsDynamicMembersWhenStaticMembershipIsOff() {
    assertThat(props(dir, Map.of(TopologyConfig.STATIC_MEMBERSHIP, false), Map.of())).doesNotContainKey(KEY);
    assertThat(dir.resolve(InstanceId.FILE)).doesNotExist();
  }
}
