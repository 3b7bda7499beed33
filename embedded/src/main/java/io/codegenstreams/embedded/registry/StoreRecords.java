package io.codegenstreams.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.codegenstreams.serde.CompatibilityLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JSON keys and values of the {@code _schemas} topic, in the layout of Confluent's KafkaStore so the topic reads
 * the same to people who know it: schema key {@code {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}} with
 * value {@code {"subject":"s","version":1,"id":1,"schema":"...","deleted":false}}; config key
 * {@code {"keytype":"CONFIG","subject":null,"magic":0}} (null subject = global) with value
 * {@code {"compatibilityLevel":"BACKWARD"}}.
 */
final class StoreRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A registered subject version. */
  record SchemaEntry(String subject, int version, int id, String schema) {}

  /** A compatibility setting; {@code subject} null is the global one, {@code level} null a removed setting. */
  record ConfigEntry(String subject, CompatibilityLevel level) {}

  private StoreRecords() {}

  static byte[] schemaKey(String subject, int version) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
    return bytes(key);
  }

  static byte[] schemaValue(SchemaEntry entry) {
    ObjectNode value = JSON.createObjectNode();
    value.put("subject", entry.subject()).put("version", entry.version()).put("id", entry.id())
        .put("schema", entry.schema()).put("deleted", false);
    return bytes(value);
  }

  static byte[] configKey(String subject) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "CONFIG");
    if (subject == null) {
      key.putNull("subject");
    } else {
      key.put("subject", subject);
    }
    key.put("magic", 0);
    return bytes(key);
  }

  static byte[] configValue(CompatibilityLevel level) {
    return bytes(JSON.createObjectNode().put("compatibilityLevel", level.name()));
  }

  /**
   * Decodes one record of the topic. Key types this registry does not use (Confluent's NOOP, MODE, DELETE_SUBJECT...)
   * give an empty result and are skipped.
   *
   * @return a {@link SchemaEntry} (null schema for a deleted or tombstoned version) or a {@link ConfigEntry}
   */
  static Optional<Object> decode(byte[] keyBytes, byte[] valueBytes) {
    JsonNode key = read(keyBytes);
    String subject = key.path("subject").isNull() ? null : key.path("subject").asText(null);
    switch (key.path("keytype").asText("")) {
      case "SCHEMA": {
        int version = key.path("version").asInt();
        if (valueBytes == null) {
          return Optional.of(new SchemaEntry(subject, version, -1, null));
        }
        JsonNode value = read(valueBytes);
        boolean deleted = value.path("deleted").asBoolean(false);
        return Optional.of(new SchemaEntry(subject, version, value.path("id").asInt(),
            deleted ? null : value.path("schema").asText()));
      }
      case "CONFIG": {
        if (valueBytes == null) {
          return Optional.of(new ConfigEntry(subject, null));
        }
        String level = read(valueBytes).path("compatibilityLevel").asText(null);
        return Optional.of(new ConfigEntry(subject, CompatibilityLevel.parse(level).orElse(null)));
      }
      default:
        return Optional.empty();
    }
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable record in the schemas topic", e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
