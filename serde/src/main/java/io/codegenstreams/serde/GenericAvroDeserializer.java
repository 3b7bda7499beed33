package io.codegenstreams.serde;

import io.codegenstreams.serde.internals.AvroDecoder;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-format Avro records into {@link GenericRecord}s with the writer's schema (fetched by id).
 * Failures throw {@link SerdeException} subclasses: {@link UnknownMagicByteException}, {@link MalformedPayloadException},
 * {@link SchemaNotFoundException} for an unknown schema id.
 */
public class GenericAvroDeserializer implements Deserializer<GenericRecord> {
  private final AvroDecoder decoder;

  public GenericAvroDeserializer() {
    this(null);
  }

  public GenericAvroDeserializer(SchemaRegistryClient client) {
    this.decoder = new AvroDecoder(client, AvroDecoder.Mode.GENERIC, null);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    decoder.configure(configs, isKey);
  }

  @Override
  public GenericRecord deserialize(String topic, byte[] data) {
    Object value = decoder.deserialize(topic, data);
    if (value != null && !(value instanceof GenericRecord)) {
      throw new SerdeException("The record in topic " + topic + " is a " + value.getClass().getSimpleName()
          + ", not an Avro record");
    }
    return (GenericRecord) value;
  }

  @Override
  public void close() {
    decoder.close();
  }
}
