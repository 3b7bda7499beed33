package io.codegenstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import io.codegenstreams.serde.internals.RegistryHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * {@link SchemaRegistryClient} over {@link java.net.http.HttpClient}, speaking Confluent Schema Registry's REST API
 * ({@code application/vnd.schemaregistry.v1+json}). Works against Confluent's registry and any compatible one,
 * including the embedded registry of this project.
 *
 * <p>Schema ids are immutable, so {@code id -> schema} and {@code (subject, schema) -> id} are cached for the life of
 * the client; subject listings, versions and configs are always fetched. Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
  private static final String LATEST = "latest";

  private final RegistryHttp http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

  public RestSchemaRegistryClient(AvroSerdeConfig config) {
    this.http = new RegistryHttp(config);
  }

  /** @param configs settings as in {@link AvroSerdeConfig}; at least {@code schema.registry.url} */
  public RestSchemaRegistryClient(Map<String, ?> configs) {
    this(new AvroSerdeConfig(configs));
  }

  @Override
  public int register(String subject, Schema schema) {
    String canonical = schema.toString();
    Integer cached = idsBySubjectAndSchema.get(key(subject, canonical));
    if (cached != null) {
      return cached;
    }
    JsonNode answer = http.send("POST", subjectPath(subject) + "/versions", Map.of("schema", canonical));
    int id = requireInt(answer, "id", "register");
    remember(subject, canonical, id, schema);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    String canonical = schema.toString();
    JsonNode answer = http.send("POST", subjectPath(subject), Map.of("schema", canonical));
    RegisteredSchema found = toRegistered(answer, subject);
    remember(subject, canonical, found.id(), schema);
    return found;
  }

  /** Like {@link #lookup} but answers from the cache when this (subject, schema) was seen before. */
  public int idOf(String subject, Schema schema) {
    Integer cached = idsBySubjectAndSchema.get(key(subject, schema.toString()));
    return cached != null ? cached : lookup(subject, schema).id();
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = http.send("GET", "/schemas/ids/" + id, null);
    requireAvro(answer, "schema id " + id);
    Schema schema = parse(requireText(answer, "schema", "GET /schemas/ids/" + id), "schema id " + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return toRegistered(http.send("GET", subjectPath(subject) + "/versions/" + version, null), subject);
  }

  @Override
  public RegisteredSchema latestVersion(String subject) {
    return toRegistered(http.send("GET", subjectPath(subject) + "/versions/" + LATEST, null), subject);
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    http.send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  @Override
  public List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    http.send("GET", subjectPath(subject) + "/versions", null).forEach(node -> versions.add(node.asInt()));
    return versions;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return compatibility(subject, LATEST, schema);
  }

  @Override
  public boolean isCompatible(String subject, int version, Schema schema) {
    return compatibility(subject, Integer.toString(version), schema);
  }

  private boolean compatibility(String subject, String version, Schema schema) {
    JsonNode answer = http.send("POST", "/compatibility" + subjectPath(subject) + "/versions/" + version,
        Map.of("schema", schema.toString()));
    JsonNode flag = answer.get("is_compatible");
    if (flag == null || !flag.isBoolean()) {
      throw new SchemaRegistryException("Schema registry answered the compatibility check of " + subject
          + " without a boolean is_compatible: " + answer, 200, 0);
    }
    return flag.asBoolean();
  }

  @Override
  public CompatibilityLevel globalCompatibility() {
    return level(http.send("GET", "/config", null), "compatibilityLevel");
  }

  @Override
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    try {
      return Optional.of(level(http.send("GET", "/config/" + RegistryHttp.segment(subject), null), "compatibilityLevel"));
    } catch (SchemaRegistryException e) {
      if (e.httpStatus() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    String path = subject == null ? "/config" : "/config/" + RegistryHttp.segment(subject);
    return level(http.send("PUT", path, Map.of("compatibility", level.name())), "compatibility");
  }

  @Override
  public void close() {
    schemasById.clear();
    idsBySubjectAndSchema.clear();
  }

  private void remember(String subject, String canonical, int id, Schema schema) {
    idsBySubjectAndSchema.put(key(subject, canonical), id);
    schemasById.putIfAbsent(id, schema);
  }

  private static String key(String subject, String canonical) {
    return subject + '\u0000' + canonical;
  }

  private static String subjectPath(String subject) {
    return "/subjects/" + RegistryHttp.segment(subject);
  }

  private RegisteredSchema toRegistered(JsonNode answer, String subject) {
    requireAvro(answer, "subject " + subject);
    int id = requireInt(answer, "id", "subject " + subject);
    Schema schema = schemasById.computeIfAbsent(id, ignored -> parse(requireText(answer, "schema", subject), "schema id " + id));
    return new RegisteredSchema(answer.path("subject").asText(subject), requireInt(answer, "version", subject), id, schema);
  }

  private static void requireAvro(JsonNode answer, String what) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new InvalidSchemaException(what + " is a " + type + " schema; these serdes read and write Avro only",
          200, InvalidSchemaException.ERROR_CODE);
    }
  }

  private static int requireInt(JsonNode answer, String field, String what) {
    JsonNode node = answer.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw new SchemaRegistryException("Schema registry answer for " + what + " has no integer '" + field + "': "
          + answer, 200, 0);
    }
    return node.asInt();
  }

  private static String requireText(JsonNode answer, String field, String what) {
    JsonNode node = answer.get(field);
    if (node == null || !node.isTextual()) {
      throw new SchemaRegistryException("Schema registry answer for " + what + " has no '" + field + "': " + answer,
          200, 0);
    }
    return node.asText();
  }

  private static Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new InvalidSchemaException("The registry's " + what + " is not a valid Avro schema: " + e.getMessage(),
          200, InvalidSchemaException.ERROR_CODE, e);
    }
  }

  private static CompatibilityLevel level(JsonNode answer, String field) {
    String text = answer.path(field).asText(null);
    return CompatibilityLevel.parse(text).orElseThrow(() -> new SchemaRegistryException(
        "Schema registry answered an unknown compatibility level '" + text + "': " + answer, 200, 0));
  }
}
