package io.codegenstreams.serde;

import io.codegenstreams.serde.internals.AvroDecoder;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-format Avro records into a generated class. The writer schema is fetched by the id in the record;
 * the reader schema is the generated class's, so records written with an earlier or later compatible version of the
 * schema are resolved to the fields the class has (removed fields are skipped, added fields take their defaults).
 *
 * <p>Failures throw {@link SerdeException} subclasses: {@link UnknownMagicByteException},
 * {@link MalformedPayloadException} (truncated or corrupt), {@link SchemaNotFoundException} (unknown schema id).
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final AvroDecoder decoder;
  private final Class<T> type;

  /** Reads into the generated class named like the writer schema (Confluent's {@code specific.avro.reader}). */
  public SpecificAvroDeserializer() {
    this(null, null);
  }

  /** Reads into {@code type}, whatever the writer schema's name. */
  public SpecificAvroDeserializer(Class<T> type) {
    this(null, type);
  }

  /**
   * @param client registry client to use, or null to build one from the configs
   * @param type the class to read into, or null for the class named like the writer schema
   */
  public SpecificAvroDeserializer(SchemaRegistryClient client, Class<T> type) {
    this.type = type;
    this.decoder = type == null
        ? new AvroDecoder(client, AvroDecoder.Mode.SPECIFIC_BY_WRITER_NAME, null)
        : new AvroDecoder(client, AvroDecoder.Mode.SPECIFIC_FIXED, SpecificData.get().getSchema(type));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    decoder.configure(configs, isKey);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    Object value = decoder.deserialize(topic, data);
    if (value != null && type != null && !type.isInstance(value)) {
      throw new SerdeException("The record in topic " + topic + " decoded to " + value.getClass().getName()
          + ", not " + type.getName());
    }
    return (T) value;
  }

  @Override
  public void close() {
    decoder.close();
  }
}
