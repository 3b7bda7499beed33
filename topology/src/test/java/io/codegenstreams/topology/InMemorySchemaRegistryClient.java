package io.codegenstreams.topology;

import io.codegenstreams.serde.CompatibilityLevel;
import io.codegenstreams.serde.RegisteredSchema;
import io.codegenstreams.serde.SchemaNotFoundException;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.SubjectNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for TopologyTestDriver tests that cross no process boundary. The real registry
 * contract is tested against the embedded registry server over HTTP in the embedded module.
 */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private final List<Schema> byId = new ArrayList<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    int id = byId.indexOf(schema);
    if (id < 0) {
      byId.add(schema);
      id = byId.size() - 1;
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id + 1)) {
      versions.add(id + 1);
    }
    return id + 1;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found.", 404, 40401);
    }
    int id = byId.indexOf(schema) + 1;
    if (id == 0 || !versions.contains(id)) {
      throw new SchemaNotFoundException("Schema not found", 404, 40403);
    }
    return new RegisteredSchema(subject, versions.indexOf(id) + 1, id, schema);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > byId.size()) {
      throw new SchemaNotFoundException("Schema " + id + " not found", 404, 40403);
    }
    return byId.get(id - 1);
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    int id = subjects.get(subject).get(version - 1);
    return new RegisteredSchema(subject, version, id, byId.get(id - 1));
  }

  @Override
  public synchronized RegisteredSchema latestVersion(String subject) {
    return version(subject, subjects.get(subject).size());
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    for (int i = 1; i <= subjects.get(subject).size(); i++) {
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
