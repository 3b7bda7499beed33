package io.codegenstreams.serde;

import io.codegenstreams.serde.internals.AvroEncoder;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Writes generated Avro classes in Confluent's wire format; the schema id comes from the registry. */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final AvroEncoder encoder;

  /** For Kafka's config-driven instantiation: the registry client is built from {@code schema.registry.url}. */
  public SpecificAvroSerializer() {
    this(null);
  }

  /** Uses {@code client} instead of building one from the configs. */
  public SpecificAvroSerializer(SchemaRegistryClient client) {
    this.encoder = new AvroEncoder(client);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    encoder.configure(configs, isKey);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    return encoder.serialize(topic, record);
  }

  @Override
  public void close() {
    encoder.close();
  }
}
