package io.codegenstreams.serde.internals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Converts lenient JSON to an Avro datum of a schema: missing fields take their schema defaults, union values may be
 * bare ({@code "m1"}) or in Avro's JSON encoding ({@code {"string": "m1"}}), enums are their symbol names,
 * {@code timestamp-millis} longs may also be ISO-8601 instants. Unknown fields are errors, so typos are caught.
 */
public final class JsonToAvro {
  private JsonToAvro() {}

  /** @throws IllegalArgumentException naming the JSON path of the first value that does not fit the schema */
  public static Object convert(JsonNode node, Schema schema) {
    return convert(node, schema, "$");
  }

  private static Object convert(JsonNode node, Schema schema, String path) {
    switch (schema.getType()) {
      case RECORD:
        return record(node, schema, path);
      case ENUM:
        if (node.isTextual() && schema.hasEnumSymbol(node.asText())) {
          return new GenericData.EnumSymbol(schema, node.asText());
        }
        throw mismatch(path, node, "one of " + schema.getEnumSymbols());
      case STRING:
        if (node.isTextual()) {
          return node.asText();
        }
        throw mismatch(path, node, "a string");
      case INT:
        if (node.isIntegralNumber() && node.canConvertToInt()) {
          return node.asInt();
        }
        throw mismatch(path, node, "an int");
      case LONG:
        return longValue(node, schema, path);
      case FLOAT:
        if (node.isNumber()) {
          return node.floatValue();
        }
        throw mismatch(path, node, "a number");
      case DOUBLE:
        if (node.isNumber()) {
          return node.doubleValue();
        }
        throw mismatch(path, node, "a number");
      case BOOLEAN:
        if (node.isBoolean()) {
          return node.asBoolean();
        }
        throw mismatch(path, node, "true or false");
      case NULL:
        if (node.isNull()) {
          return null;
        }
        throw mismatch(path, node, "null");
      case BYTES:
        if (node.isTextual()) {
          return ByteBuffer.wrap(node.asText().getBytes(StandardCharsets.ISO_8859_1));
        }
        throw mismatch(path, node, "a string of bytes");
      case FIXED:
        if (node.isTextual() && node.asText().length() == schema.getFixedSize()) {
          return new GenericData.Fixed(schema, node.asText().getBytes(StandardCharsets.ISO_8859_1));
        }
        throw mismatch(path, node, "a string of " + schema.getFixedSize() + " bytes");
      case ARRAY:
        if (!node.isArray()) {
          throw mismatch(path, node, "an array");
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
          items.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return new GenericData.Array<>(schema, items);
      case MAP:
        if (!node.isObject()) {
          throw mismatch(path, node, "an object (map)");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), convert(e.getValue(), schema.getValueType(),
            path + "." + e.getKey())));
        return map;
      case UNION:
        return union(node, schema, path);
      default:
        throw new IllegalArgumentException(path + ": unsupported schema type " + schema.getType());
    }
  }

  private static Object record(JsonNode node, Schema schema, String path) {
    if (!node.isObject()) {
      throw mismatch(path, node, "an object (record " + schema.getName() + ")");
    }
    Set<String> known = new HashSet<>();
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      known.add(field.name());
      JsonNode value = node.get(field.name());
      if (value != null) {
        record.put(field.pos(), convert(value, field.schema(), path + "." + field.name()));
      } else if (field.hasDefaultValue()) {
        record.put(field.pos(), GenericData.get().deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
      } else {
        throw new IllegalArgumentException(path + "." + field.name() + ": missing required field '" + field.name()
            + "' (it has no default in " + schema.getFullName() + ")");
      }
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(path + "." + name + ": unknown field '" + name + "'; "
            + schema.getFullName() + " has " + known.stream().sorted().toList());
      }
    }
    return record;
  }

  private static Object longValue(JsonNode node, Schema schema, String path) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    boolean timestamp = schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    if (timestamp && node.isTextual()) {
      try {
        return Instant.parse(node.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw mismatch(path, node, "epoch milliseconds or an ISO-8601 instant like 2025-01-31T12:00:00Z");
      }
    }
    throw mismatch(path, node, timestamp ? "epoch milliseconds or an ISO-8601 instant" : "a long");
  }

  private static Object union(JsonNode node, Schema schema, String path) {
    if (node.isObject() && node.size() == 1) {
      String branchName = node.fieldNames().next();
      for (Schema branch : schema.getTypes()) {
        if (branch.getFullName().equals(branchName) || branch.getName().equals(branchName)) {
          return convert(node.get(branchName), branch, path + "." + branchName);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (Schema branch : schema.getTypes()) {
      try {
        return convert(node, branch, path);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    throw new IllegalArgumentException(path + ": " + node + " fits none of the union's types "
        + schema.getTypes().stream().map(Schema::getName).toList() + " (" + String.join("; ", problems) + ")");
  }

  private static IllegalArgumentException mismatch(String path, JsonNode node, String expected) {
    return new IllegalArgumentException(path + ": expected " + expected + " but got " + node);
  }
}
