package io.codegenstreams.embedded;

import java.util.Map;

/** A topic the runtime needs: name, partition count and topic-level configs. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
    }
    configs = Map.copyOf(configs);
  }
}
