package io.codegenstreams.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/** A registry in a map, for serde unit tests: global ids, per-subject versions, no compatibility rules. */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private final Map<String, List<Integer>> subjects = new TreeMap<>();
  private final Map<Integer, Schema> byId = new HashMap<>();
  int registerCalls;
  int lookupCalls;

  @Override
  public synchronized int register(String subject, Schema schema) {
    registerCalls++;
    int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey).findFirst()
        .orElse(byId.size() + 1);
    byId.put(id, schema);
    List<Integer> ids = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!ids.contains(id)) {
      ids.add(id);
    }
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    lookupCalls++;
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found.", 404, 40401);
    }
    for (int i = 0; i < ids.size(); i++) {
      if (byId.get(ids.get(i)).equals(schema)) {
        return new RegisteredSchema(subject, i + 1, ids.get(i), schema);
      }
    }
    throw new SchemaNotFoundException("Schema not found", 404, 40403);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", 404, 40403);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found.", 404, 40401);
    }
    if (version < 1 || version > ids.size()) {
      throw new VersionNotFoundException("Version " + version + " not found.", 404, 40402);
    }
    int id = ids.get(version - 1);
    return new RegisteredSchema(subject, version, id, byId.get(id));
  }

  @Override
  public synchronized RegisteredSchema latestVersion(String subject) {
    List<Integer> ids = subjects.get(subject);
    return version(subject, ids == null ? 1 : ids.size());
  }

  @Override
  public synchronized List<String> subjects() {
    return new ArrayList<>(subjects.keySet());
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    for (int i = 1; i <= subjects.getOrDefault(subject, List.of()).size(); i++) {
      versions.add(i);
    }
    return versions;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return true;
  }

  @Override
  public boolean isCompatible(String subject, int version, Schema schema) {
    return true;
  }

  @Override
  public CompatibilityLevel globalCompatibility() {
    return CompatibilityLevel.BACKWARD;
  }

  @Override
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return Optional.empty();
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    return level;
  }

  @Override
  public void close() {}
}
