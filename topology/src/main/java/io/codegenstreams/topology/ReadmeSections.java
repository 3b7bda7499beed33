package io.codegenstreams.topology;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.SpecificAvroSerde;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The README's generated sections: the configuration reference (from the config definitions) and the topology as
 * Kafka Streams describes it. A unit test keeps the README equal to them.
 */
public final class ReadmeSections {
  private ReadmeSections() {}

  /** Section name to Markdown content, in README order. */
  public static Map<String, String> sections() {
    Map<String, String> sections = new LinkedHashMap<>();
    TopologyDescription description = CodegenTopology.build(TopologyConfig.defaults(),
        PipelineTopics.of(TopologyConfig.defaults(), new SpecificAvroSerde<>(CodeGenRequest.class),
            new SpecificAvroSerde<>(CodeGenResult.class)), null, null, PipelineListener.NONE).describe();
    sections.put("topology", "```mermaid\n" + mermaid(description) + "```\n\n<details><summary>Topology.describe()</summary>\n\n```\n"
        + description + "```\n</details>\n");
    sections.put("topology-config", markdown(TopologyConfig.CONFIG));
    sections.put("engine-config", EngineConfig.configDef().toMarkdown());
    return sections;
  }

  /** A Mermaid flowchart of a topology: topics as stadiums, processors as boxes, stores as cylinders. */
  static String mermaid(TopologyDescription description) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    java.util.Set<String> stores = new java.util.TreeSet<>();
    for (TopologyDescription.Subtopology sub : description.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        String id = id(node.name());
        if (node instanceof TopologyDescription.Source source) {
          for (String topic : source.topicSet()) {
            out.append("  ").append(id("t-" + topic)).append("([").append(topic).append("]) --> ").append(id).append('\n');
          }
          out.append("  ").append(id).append("[").append(node.name()).append("]\n");
        } else if (node instanceof TopologyDescription.Sink sink) {
          out.append("  ").append(id).append("[").append(node.name()).append("] --> ").append(id("t-" + sink.topic()))
              .append("([").append(sink.topic()).append("])\n");
        } else if (node instanceof TopologyDescription.Processor processor) {
          out.append("  ").append(id).append("[").append(node.name()).append("]\n");
          for (String store : processor.stores()) {
            stores.add(store);
            out.append("  ").append(id).append(" -.- ").append(id("s-" + store)).append('\n');
          }
        }
        for (TopologyDescription.Node next : node.successors()) {
          out.append("  ").append(id).append(" --> ").append(id(next.name())).append('\n');
        }
      }
    }
    stores.forEach(store -> out.append("  ").append(id("s-" + store)).append("[(").append(store).append(")]\n"));
    return out.toString();
  }

  private static String id(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "_");
  }

  static String markdown(ConfigDef def) {
    String rows = def.configKeys().values().stream()
        .map(key -> "| `" + key.name + "` | " + key.type.name().toLowerCase(Locale.ROOT) + " | "
            + (key.hasDefault() ? "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`" : "required")
            + " | " + (key.validator == null ? "" : key.validator.toString().replace("|", "\\|")) + " | "
            + key.documentation + " |")
        .collect(Collectors.joining("\n"));
    return "| key | type | default | valid values | meaning |\n|---|---|---|---|---|\n" + rows + "\n";
  }

  /** Replaces the text between {@code <!-- generated:NAME -->} and {@code <!-- /generated:NAME -->}. */
  public static String apply(String readme, Map<String, String> sections) {
    String result = readme;
    for (Map.Entry<String, String> section : sections.entrySet()) {
      String start = "<!-- generated:" + section.getKey() + " -->\n";
      String end = "<!-- /generated:" + section.getKey() + " -->";
      int from = result.indexOf(start);
      int to = result.indexOf(end);
      if (from < 0 || to < from) {
        throw new IllegalStateException("README has no section " + start.trim() + " ... " + end);
      }
      result = result.substring(0, from + start.length()) + section.getValue() + result.substring(to);
    }
    return result;
  }
}
