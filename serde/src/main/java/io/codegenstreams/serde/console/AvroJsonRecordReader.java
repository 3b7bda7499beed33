package io.codegenstreams.serde.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.SerdeException;
import io.codegenstreams.serde.internals.AvroEncoder;
import io.codegenstreams.serde.internals.JsonToAvro;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.tools.api.RecordReader;

/**
 * Turns JSON lines into Confluent-format Avro records for {@code kafka-console-producer.sh --line-reader}, e.g.
 *
 * <pre>
 * kafka-console-producer.sh --bootstrap-server localhost:9092 --topic requests \
 *   --line-reader io.codegenstreams.serde.console.AvroJsonRecordReader \
 *   --reader-property schema.registry.url=http://localhost:8081 --reader-property auto.register.schemas=true
 * {"request_id":"r1","prompt":"class A {","priority":"HIGH"}
 * </pre>
 *
 * <p>Each line is one record of the value schema ({@code CodeGenRequest} unless {@value #VALUE_SCHEMA} gives another
 * record schema): missing fields take their defaults, unions may be bare or in Avro's JSON encoding. The record key is
 * the {@value #KEY_FIELD} field (default {@code request_id}) as a UTF-8 string. The schema is looked up (or registered
 * with {@code auto.register.schemas=true}) under the value subject of the topic. A line that is not valid JSON or does
 * not fit the schema fails with its line number and the reason.
 */
public class AvroJsonRecordReader implements RecordReader {
  /** Optional: the value schema as Avro JSON; defaults to CodeGenRequest's. */
  public static final String VALUE_SCHEMA = "value.schema";
  /** The value field used as the (string) record key; empty for null keys. */
  public static final String KEY_FIELD = "key.field";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistryClient injectedClient;
  private AvroEncoder encoder;
  private Schema schema = CodeGenRequest.getClassSchema();
  private String keyField = "request_id";
  private String topic;

  /** For the console producer, which instantiates readers by class name. */
  public AvroJsonRecordReader() {
    this(null);
  }

  /** Uses {@code client} instead of building one from {@code schema.registry.url}. */
  public AvroJsonRecordReader(SchemaRegistryClient client) {
    this.injectedClient = client;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object topicValue = configs.get("topic");
    if (topicValue == null || topicValue.toString().isBlank()) {
      throw new SerdeException("AvroJsonRecordReader needs the 'topic' property (the console producer sets it)");
    }
    topic = topicValue.toString();
    if (configs.get(VALUE_SCHEMA) != null) {
      try {
        schema = new Schema.Parser().parse(configs.get(VALUE_SCHEMA).toString());
      } catch (SchemaParseException e) {
        throw new SerdeException(VALUE_SCHEMA + " is not a valid Avro schema: " + e.getMessage(), e);
      }
      if (schema.getType() != Schema.Type.RECORD) {
        throw new SerdeException(VALUE_SCHEMA + " must be a record schema, got " + schema.getType());
      }
    }
    if (configs.get(KEY_FIELD) != null) {
      keyField = configs.get(KEY_FIELD).toString().trim();
    }
    if (!keyField.isEmpty() && schema.getField(keyField) == null) {
      throw new SerdeException(KEY_FIELD + "=" + keyField + " is not a field of " + schema.getFullName());
    }
    Map<String, Object> serdeConfigs = new HashMap<>();
    configs.forEach((k, v) -> {
      if (AvroSerdeConfig.configDef().names().contains(k)) {
        serdeConfigs.put(k, v);
      }
    });
    encoder = new AvroEncoder(injectedClient);
    encoder.configure(serdeConfigs, false);
  }

  @Override
  public Iterator<ProducerRecord<byte[], byte[]>> readRecords(InputStream inputStream) {
    if (encoder == null) {
      throw new IllegalStateException("configure the reader first");
    }
    BufferedReader lines = new BufferedReader(new InputStreamReader(inputStream, StandardCharsets.UTF_8));
    return new Iterator<>() {
      private String next;
      private int lineNumber;

      @Override
      public boolean hasNext() {
        try {
          while (next == null) {
            String line = lines.readLine();
            if (line == null) {
              return false;
            }
            lineNumber++;
            if (!line.isBlank()) {
              next = line;
            }
          }
          return true;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public ProducerRecord<byte[], byte[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return toRecord(line, lineNumber);
      }
    };
  }

  /** One JSON line to a producer record; public for tests and for tools that feed lines themselves. */
  public ProducerRecord<byte[], byte[]> toRecord(String line, int lineNumber) {
    JsonNode json;
    try {
      json = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new SerdeException("Line " + lineNumber + " is not valid JSON (" + e.getOriginalMessage() + "): "
          + abbreviate(line));
    }
    GenericRecord value;
    try {
      value = (GenericRecord) JsonToAvro.convert(json, schema);
    } catch (IllegalArgumentException e) {
      throw new SerdeException("Line " + lineNumber + " does not fit " + schema.getFullName() + ": " + e.getMessage());
    }
    byte[] key = null;
    if (!keyField.isEmpty() && value.get(keyField) != null) {
      key = value.get(keyField).toString().getBytes(StandardCharsets.UTF_8);
    }
    return new ProducerRecord<>(topic, key, encoder.serialize(topic, value));
  }

  private static String abbreviate(String line) {
    return line.length() <= 120 ? line : line.substring(0, 120) + "...";
  }

  @Override
  public void close() {
    if (encoder != null) {
      encoder.close();
    }
  }
}
