package io.codegenstreams.embedded.registry;

import io.codegenstreams.serde.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility rules on top of Avro's {@link SchemaCompatibility}. BACKWARD: the new schema, as reader,
 * reads data written with the earlier one. FORWARD: the earlier schema, as reader, reads data written with the new
 * one. FULL: both. Non-transitive rules check only the latest version; transitive ones check all.
 */
final class AvroCompatibility {
  private AvroCompatibility() {}

  /**
   * @param previous earlier versions, oldest first
   * @return why {@code candidate} breaks {@code level}; empty when it is compatible
   */
  static List<String> check(CompatibilityLevel level, Schema candidate, List<Schema> previous) {
    List<String> problems = new ArrayList<>();
    if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
      return problems;
    }
    List<Schema> against = level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
    for (Schema earlier : against) {
      if (level.backward()) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier), "new schema reading data "
            + "written with an earlier one (backward)", problems);
      }
      if (level.forward()) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate), "earlier schema reading data "
            + "written with the new one (forward)", problems);
      }
    }
    return problems;
  }

  private static void describe(SchemaPairCompatibility result, String direction, List<String> problems) {
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      problems.add("{errorType:'" + incompatibility.getType() + "', description:'" + incompatibility.getMessage()
          + "', location:'" + incompatibility.getLocation() + "', check:'" + direction + "'}");
    }
  }
}
