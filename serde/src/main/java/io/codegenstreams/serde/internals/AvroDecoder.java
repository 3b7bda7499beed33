package io.codegenstreams.serde.internals;

import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.MalformedPayloadException;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SchemaNotFoundException;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.SerdeException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The deserializing half shared by the generic and specific deserializers: checks the header, fetches the writer
 * schema by id, and reads the Avro body into the reader schema, so data written with an older or newer compatible
 * schema is resolved to the reader's fields (schema evolution).
 */
public final class AvroDecoder implements AutoCloseable {
  /** How the reader schema is chosen. */
  public enum Mode {
    /** Read with the writer schema into generic records. */
    GENERIC,
    /** Read into the generated class named like the writer schema (found on the classpath). */
    SPECIFIC_BY_WRITER_NAME,
    /** Read into a given generated class. */
    SPECIFIC_FIXED
  }

  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
  private final Mode mode;
  private final Schema fixedReaderSchema;
  private SchemaRegistryClient client;
  private boolean ownsClient;
  private boolean isKey;

  /**
   * @param client the registry client, or null to create one from the configs in {@link #configure}
   * @param readerSchema the reader schema for {@link Mode#SPECIFIC_FIXED}, else null
   */
  public AvroDecoder(SchemaRegistryClient client, Mode mode, Schema readerSchema) {
    this.client = client;
    this.mode = mode;
    this.fixedReaderSchema = readerSchema;
  }

  public void configure(Map<String, ?> configs, boolean isKey) {
    if (client == null) {
      client = new RestSchemaRegistryClient(new AvroSerdeConfig(configs));
      ownsClient = true;
    }
    this.isKey = isKey;
  }

  public Object deserialize(String topic, byte[] payload) {
    if (payload == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException("deserializer not configured: call configure(configs, isKey) first");
    }
    String where = (isKey ? "key" : "value") + " of a record in topic " + topic;
    int id = WireFormat.schemaId(payload, where);
    DatumReader<Object> reader = readers.computeIfAbsent(id, i -> newReader(i, where));
    try {
      BinaryDecoder decoder = DecoderFactory.get()
          .binaryDecoder(payload, WireFormat.HEADER_SIZE, payload.length - WireFormat.HEADER_SIZE, null);
      return reader.read(null, decoder);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new MalformedPayloadException("Truncated or corrupt Avro body in the " + where + ": it does not decode "
          + "with writer schema id " + id + " into the reader schema (" + e + ")", e);
    }
  }

  private DatumReader<Object> newReader(int id, String where) {
    Schema writer;
    try {
      writer = client.schemaById(id);
    } catch (SchemaNotFoundException e) {
      throw new SchemaNotFoundException("Unknown schema id " + id + " in the " + where + ": the schema registry has no "
          + "such schema (was the record written against another registry? check " + AvroSerdeConfig.SCHEMA_REGISTRY_URL
          + ")", e.httpStatus(), e.errorCode(), e);
    }
    switch (mode) {
      case GENERIC:
        return new GenericDatumReader<>(writer, writer, GenericData.get());
      case SPECIFIC_FIXED:
        return new SpecificDatumReader<>(writer, fixedReaderSchema, SpecificData.getForSchema(fixedReaderSchema));
      default:
        Class<?> type = SpecificData.get().getClass(writer);
        if (type == null || type == Object.class || writer.getType() != Schema.Type.RECORD) {
          throw new SerdeException("No generated class for " + writer.getFullName() + " (schema id " + id + ", "
              + where + ") on the classpath; use a generic deserializer or add the class");
        }
        Schema reader = SpecificData.get().getSchema(type);
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }
  }

  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
