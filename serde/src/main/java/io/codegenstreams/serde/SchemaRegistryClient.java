package io.codegenstreams.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API the serdes, the console tools and the CLI use. Every method
 * throws {@link SchemaRegistryException} (or one of its named subclasses) when the registry refuses or cannot be
 * reached. Schemas are Avro only.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /** Registers {@code schema} under {@code subject} ({@code POST /subjects/{s}/versions}); returns its global id. */
  int register(String subject, Schema schema);

  /**
   * Finds {@code schema} among the versions of {@code subject} ({@code POST /subjects/{s}}).
   *
   * @throws SubjectNotFoundException when the subject has no versions
   * @throws SchemaNotFoundException when the subject exists but none of its versions is this schema
   */
  RegisteredSchema lookup(String subject, Schema schema);

  /** The schema with global id {@code id} ({@code GET /schemas/ids/{id}}). */
  Schema schemaById(int id);

  /** One version of a subject ({@code GET /subjects/{s}/versions/{v}}). */
  RegisteredSchema version(String subject, int version);

  /** The newest version of a subject ({@code GET /subjects/{s}/versions/latest}). */
  RegisteredSchema latestVersion(String subject);

  /** All subjects ({@code GET /subjects}). */
  List<String> subjects();

  /** The version numbers of a subject, oldest first ({@code GET /subjects/{s}/versions}). */
  List<Integer> versions(String subject);

  /** Whether {@code schema} may be registered next under {@code subject} (checked against its latest version). */
  boolean isCompatible(String subject, Schema schema);

  /** Whether {@code schema} is compatible with one given version of {@code subject}, under the subject's rule. */
  boolean isCompatible(String subject, int version, Schema schema);

  /** The registry-wide default compatibility rule ({@code GET /config}). */
  CompatibilityLevel globalCompatibility();

  /** The subject's own compatibility rule, empty when it follows the global one ({@code GET /config/{s}}). */
  Optional<CompatibilityLevel> subjectCompatibility(String subject);

  /** Sets the global rule ({@code subject == null}) or a subject's rule ({@code PUT /config[/{s}]}). */
  CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level);

  @Override
  void close();
}
