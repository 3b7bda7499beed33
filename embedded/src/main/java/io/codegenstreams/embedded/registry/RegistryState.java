package io.codegenstreams.embedded.registry;

import io.codegenstreams.embedded.registry.StoreRecords.ConfigEntry;
import io.codegenstreams.embedded.registry.StoreRecords.SchemaEntry;
import io.codegenstreams.serde.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's in-memory view, rebuilt from the {@code _schemas} topic on start and updated after each write the
 * topic acknowledged. Not thread-safe: {@link RegistryService} guards it.
 */
final class RegistryState {
  static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

  private final Map<String, NavigableMap<Integer, SchemaEntry>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = DEFAULT_COMPATIBILITY;
  private int maxId;

  /** Applies one decoded record of the topic ({@link SchemaEntry} or {@link ConfigEntry}). */
  void apply(Object entry) {
    if (entry instanceof SchemaEntry schema) {
      applySchema(schema);
    } else if (entry instanceof ConfigEntry config) {
      applyConfig(config);
    }
  }

  private void applySchema(SchemaEntry entry) {
    if (entry.schema() == null) {
      NavigableMap<Integer, SchemaEntry> versions = subjects.get(entry.subject());
      if (versions != null) {
        versions.remove(entry.version());
        if (versions.isEmpty()) {
          subjects.remove(entry.subject());
        }
      }
      return;
    }
    subjects.computeIfAbsent(entry.subject(), s -> new TreeMap<>()).put(entry.version(), entry);
    schemasById.putIfAbsent(entry.id(), entry.schema());
    idsByCanonical.putIfAbsent(entry.schema(), entry.id());
    maxId = Math.max(maxId, entry.id());
  }

  private void applyConfig(ConfigEntry entry) {
    if (entry.subject() == null) {
      globalLevel = entry.level() == null ? DEFAULT_COMPATIBILITY : entry.level();
    } else if (entry.level() == null) {
      subjectLevels.remove(entry.subject());
    } else {
      subjectLevels.put(entry.subject(), entry.level());
    }
  }

  List<String> subjects() {
    return new ArrayList<>(subjects.keySet());
  }

  /** Versions of a subject, oldest first; empty when the subject is unknown. */
  List<SchemaEntry> versions(String subject) {
    NavigableMap<Integer, SchemaEntry> versions = subjects.get(subject);
    return versions == null ? List.of() : new ArrayList<>(versions.values());
  }

  Optional<SchemaEntry> version(String subject, int version) {
    NavigableMap<Integer, SchemaEntry> versions = subjects.get(subject);
    return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
  }

  Optional<SchemaEntry> latest(String subject) {
    NavigableMap<Integer, SchemaEntry> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
  }

  /** The version of {@code subject} whose schema is {@code canonical}, if any. */
  Optional<SchemaEntry> find(String subject, String canonical) {
    return versions(subject).stream().filter(e -> e.schema().equals(canonical)).findFirst();
  }

  Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /** The global id of an identical schema under any subject, if it was registered before. */
  Optional<Integer> idOf(String canonical) {
    return Optional.ofNullable(idsByCanonical.get(canonical));
  }

  int nextId() {
    return maxId + 1;
  }

  boolean hasSubject(String subject) {
    return subjects.containsKey(subject);
  }

  CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** The rule that applies to a subject: its own, else the global one. */
  CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }
}
