package io.codegenstreams.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer} as one Kafka Streams {@link Serde}. */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final SpecificAvroSerializer<T> serializer;
  private final SpecificAvroDeserializer<T> deserializer;

  /** Reads into the generated class named like the writer schema. */
  public SpecificAvroSerde() {
    this(null, null);
  }

  /** Reads into {@code type}. */
  public SpecificAvroSerde(Class<T> type) {
    this(null, type);
  }

  /**
   * @param client registry client to use, or null to build one from the configs
   * @param type the class to read into, or null for the class named like the writer schema
   */
  public SpecificAvroSerde(SchemaRegistryClient client, Class<T> type) {
    this.serializer = new SpecificAvroSerializer<>(client);
    this.deserializer = new SpecificAvroDeserializer<>(client, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
