package io.codegenstreams.embedded.registry;

import io.codegenstreams.embedded.registry.StoreRecords.ConfigEntry;
import io.codegenstreams.embedded.registry.StoreRecords.SchemaEntry;
import io.codegenstreams.serde.CompatibilityLevel;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The registry's operations with Confluent's semantics and error codes. Reads and writes are serialized on this
 * object; a write is appended to the store and acknowledged before the in-memory state changes, so the state never
 * shows what the store has not kept.
 */
final class RegistryService {
  /** Where writes go before they become visible; {@link SchemaLog#append} in production. */
  @FunctionalInterface
  interface Store {
    void append(byte[] key, byte[] value);
  }

  /** The body of register, lookup and compatibility requests. */
  record SchemaRequest(String schema, String schemaType, boolean hasReferences) {}

  /** Result of a compatibility check; {@code messages} explain an incompatibility. */
  record CompatibilityResult(boolean compatible, List<String> messages) {}

  private static final String LATEST = "latest";

  private final RegistryState state;
  private final Store store;

  RegistryService(RegistryState state, Store store) {
    this.state = state;
    this.store = store;
  }

  /** Registers a schema under a subject and returns its global id; an identical schema keeps its id. */
  synchronized int register(String subject, SchemaRequest request) {
    String canonical = canonical(request);
    Optional<SchemaEntry> existing = state.find(subject, canonical);
    if (existing.isPresent()) {
      return existing.get().id();
    }
    CompatibilityLevel level = state.effectiveLevel(subject);
    List<String> problems = AvroCompatibility.check(level, parse(canonical), previousSchemas(subject));
    if (!problems.isEmpty()) {
      throw RestError.incompatible("Schema being registered is incompatible with an earlier schema for subject \""
          + subject + "\" (compatibility " + level + "), details: " + problems);
    }
    int id = state.idOf(canonical).orElseGet(state::nextId);
    int version = state.latest(subject).map(e -> e.version() + 1).orElse(1);
    SchemaEntry entry = new SchemaEntry(subject, version, id, canonical);
    store.append(StoreRecords.schemaKey(subject, version), StoreRecords.schemaValue(entry));
    state.apply(entry);
    return id;
  }

  /** The version of {@code subject} holding this schema. */
  synchronized SchemaEntry lookup(String subject, SchemaRequest request) {
    String canonical = canonical(request);
    if (!state.hasSubject(subject)) {
      throw RestError.subjectNotFound(subject);
    }
    return state.find(subject, canonical).orElseThrow(RestError::schemaNotFound);
  }

  synchronized String schemaById(int id) {
    return state.schemaById(id).orElseThrow(() -> RestError.schemaNotFound(id));
  }

  synchronized SchemaEntry version(String subject, String versionText) {
    Optional<Integer> version = parseVersion(versionText);
    Optional<SchemaEntry> entry = version.isEmpty() ? state.latest(subject) : state.version(subject, version.get());
    if (entry.isPresent()) {
      return entry.get();
    }
    if (!state.hasSubject(subject)) {
      throw RestError.subjectNotFound(subject);
    }
    throw RestError.versionNotFound(version.orElse(-1));
  }

  synchronized List<String> subjects() {
    return state.subjects();
  }

  synchronized List<Integer> versions(String subject) {
    List<SchemaEntry> versions = state.versions(subject);
    if (versions.isEmpty()) {
      throw RestError.subjectNotFound(subject);
    }
    return versions.stream().map(SchemaEntry::version).toList();
  }

  /**
   * Checks a schema against one version ({@code versionText}) or, when it is null, against the versions the
   * subject's rule names (Confluent's {@code POST /compatibility/subjects/{s}/versions}).
   */
  synchronized CompatibilityResult compatibility(String subject, String versionText, SchemaRequest request) {
    Optional<Integer> version = versionText == null ? Optional.empty() : parseVersion(versionText);
    Schema candidate = parse(canonical(request));
    CompatibilityLevel level = state.effectiveLevel(subject);
    List<Schema> previous;
    if (versionText == null) {
      previous = previousSchemas(subject);
    } else if (version.isEmpty()) {
      Optional<SchemaEntry> latest = state.latest(subject);
      if (latest.isEmpty()) {
        return new CompatibilityResult(true, List.of());
      }
      previous = level.transitive() ? previousSchemas(subject) : List.of(parse(latest.get().schema()));
    } else {
      previous = List.of(parse(version(subject, versionText).schema()));
    }
    List<String> problems = AvroCompatibility.check(level, candidate, previous);
    return new CompatibilityResult(problems.isEmpty(), problems);
  }

  synchronized CompatibilityLevel globalLevel() {
    return state.globalLevel();
  }

  /** A subject's own level; with {@code defaultToGlobal} the global level when it has none. */
  synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    Optional<CompatibilityLevel> level = state.subjectLevel(subject);
    if (level.isPresent()) {
      return level.get();
    }
    if (defaultToGlobal) {
      return state.globalLevel();
    }
    throw RestError.subjectCompatibilityNotConfigured(subject);
  }

  /** Sets the global level ({@code subject} null) or a subject's level. */
  synchronized CompatibilityLevel setLevel(String subject, String levelText) {
    CompatibilityLevel level = CompatibilityLevel.parse(levelText).orElseThrow(RestError::invalidCompatibilityLevel);
    store.append(StoreRecords.configKey(subject), StoreRecords.configValue(level));
    state.apply(new ConfigEntry(subject, level));
    return level;
  }

  private List<Schema> previousSchemas(String subject) {
    return state.versions(subject).stream().map(e -> parse(e.schema())).toList();
  }

  /** "latest" and -1 give empty (the latest version); 1..2^31-1 give that version; anything else is 42202. */
  static Optional<Integer> parseVersion(String text) {
    String trimmed = text.trim();
    if (LATEST.equalsIgnoreCase(trimmed)) {
      return Optional.empty();
    }
    try {
      int version = Integer.parseInt(trimmed);
      if (version == -1) {
        return Optional.empty();
      }
      if (version >= 1) {
        return Optional.of(version);
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error
    }
    throw RestError.invalidVersion(text);
  }

  /** Validates the request and returns the schema's canonical text (Avro's normalized JSON form). */
  static String canonical(SchemaRequest request) {
    if (request.schemaType() != null && !"AVRO".equalsIgnoreCase(request.schemaType())) {
      throw RestError.invalidSchema("Invalid schema type " + request.schemaType()
          + ": this registry supports AVRO schemas only");
    }
    if (request.hasReferences()) {
      throw RestError.invalidSchema("Invalid schema: schema references are not supported by this registry; "
          + "inline the referenced types");
    }
    if (request.schema() == null || request.schema().isBlank()) {
      throw RestError.invalidSchema("Invalid schema: the request has no \"schema\"");
    }
    return parse(request.schema()).toString();
  }

  static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw RestError.invalidSchema("Invalid schema " + abbreviate(text) + ", details: " + e.getMessage());
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
