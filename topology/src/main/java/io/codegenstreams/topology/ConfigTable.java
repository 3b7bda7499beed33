package io.codegenstreams.topology;

import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/** Renders a {@link ConfigDef} as the Markdown table the README shows. Run {@code main} to print it. */
public final class ConfigTable {
  private ConfigTable() {}

  public static String markdown(ConfigDef def) {
    String rows = def.configKeys().values().stream()
        .map(key -> "| `" + key.name + "` | " + key.type.name().toLowerCase(java.util.Locale.ROOT) + " | "
            + (key.hasDefault() ? "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`" : "required")
            + " | " + (key.validator == null ? "" : key.validator.toString().replace("|", "\\|")) + " | "
            + key.documentation + " |")
        .collect(Collectors.joining("\n"));
    return "| key | type | default | valid values | meaning |\n|---|---|---|---|---|\n" + rows + "\n";
  }

  public static void main(String[] args) {
    System.out.print(markdown(TopologyConfig.CONFIG));
  }
}
