package io.codegenstreams.serde.internals;

import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RegisteredSchema;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SchemaNotFoundException;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.SerdeException;
import io.codegenstreams.serde.SubjectNameStrategy;
import io.codegenstreams.serde.SubjectNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serializing half shared by the generic and specific serializers: finds the schema id (register, look up, or
 * the subject's latest version, as configured) and writes header plus Avro binary.
 */
public final class AvroEncoder implements AutoCloseable {
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private SchemaRegistryClient client;
  private boolean ownsClient;
  private SubjectNameStrategy strategy;
  private boolean isKey;
  private boolean autoRegister;
  private boolean useLatest;
  private long latestTtlMs;

  private record Latest(RegisteredSchema schema, long fetchedAtMs) {}

  /**
   * Key of the schema-id cache. Avro caches a schema's hash code and compares the same instance by identity, so a
   * lookup costs next to nothing; keying by {@code subject + schema.toString()} rendered the schema as JSON on every
   * record.
   */
  private record SubjectSchema(String subject, Schema schema) {}

  /** @param client the registry client to use, or null to create one from the configs in {@link #configure} */
  public AvroEncoder(SchemaRegistryClient client) {
    this.client = client;
  }

  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    if (client == null) {
      client = new RestSchemaRegistryClient(config);
      ownsClient = true;
    }
    this.isKey = isKey;
    this.strategy = config.subjectNameStrategy(isKey);
    this.autoRegister = config.autoRegisterSchemas();
    this.useLatest = config.useLatestVersion();
    long ttl = config.getLong(AvroSerdeConfig.LATEST_CACHE_TTL_SEC);
    this.latestTtlMs = ttl < 0 ? Long.MAX_VALUE : ttl * 1000;
  }

  public byte[] serialize(String topic, IndexedRecord record) {
    if (record == null) {
      return null;
    }
    if (strategy == null) {
      throw new IllegalStateException("serializer not configured: call configure(configs, isKey) first");
    }
    Schema schema = record.getSchema();
    String subject = strategy.subjectName(topic, isKey, schema);
    Schema writerSchema = schema;
    int id;
    if (autoRegister) {
      id = ids.computeIfAbsent(new SubjectSchema(subject, schema), k -> client.register(subject, schema));
    } else if (useLatest) {
      RegisteredSchema registered = latest(subject);
      writerSchema = registered.schema();
      id = registered.id();
    } else {
      id = ids.computeIfAbsent(new SubjectSchema(subject, schema), k -> lookUp(subject, schema));
    }
    return encode(id, writerSchema, record);
  }

  private int lookUp(String subject, Schema schema) {
    try {
      return client.lookup(subject, schema).id();
    } catch (SubjectNotFoundException | SchemaNotFoundException e) {
      throw new SerdeException("Schema " + schema.getFullName() + " not registered for subject " + subject + " and "
          + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + "=false: register it first or set "
          + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + "=true (" + e.getMessage() + ")", e);
    }
  }

  private RegisteredSchema latest(String subject) {
    long now = System.currentTimeMillis();
    Latest cached = latest.get(subject);
    if (cached == null || now - cached.fetchedAtMs() > latestTtlMs) {
      try {
        cached = new Latest(client.latestVersion(subject), now);
      } catch (SubjectNotFoundException e) {
        throw new SerdeException("Subject " + subject + " has no registered version to use with "
            + AvroSerdeConfig.USE_LATEST_VERSION + "=true: register a schema first or set "
            + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + "=true (" + e.getMessage() + ")", e);
      }
      latest.put(subject, cached);
    }
    return cached.schema();
  }

  private byte[] encode(int id, Schema writerSchema, IndexedRecord record) {
    DatumWriter<Object> writer = writers.computeIfAbsent(writerSchema, s -> newWriter(s, record));
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(WireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerdeException("Cannot encode " + record.getSchema().getFullName() + " with schema id " + id + ": " + e, e);
    }
    return out.toByteArray();
  }

  private static DatumWriter<Object> newWriter(Schema schema, IndexedRecord sample) {
    if (sample instanceof SpecificRecord) {
      return new SpecificDatumWriter<>(schema, SpecificData.getForSchema(sample.getSchema()));
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }

  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
