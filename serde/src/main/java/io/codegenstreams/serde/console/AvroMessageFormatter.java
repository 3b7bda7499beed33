package io.codegenstreams.serde.console;

import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.internals.AvroDecoder;
import io.codegenstreams.serde.AvroJson;
import io.codegenstreams.serde.internals.WireFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * Prints Confluent-format Avro records as JSON for {@code kafka-console-consumer.sh --formatter}, e.g.
 *
 * <pre>
 * kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic requests --from-beginning \
 *   --formatter io.codegenstreams.serde.console.AvroMessageFormatter \
 *   --formatter-property schema.registry.url=http://localhost:8081 --formatter-property print.key=true
 * </pre>
 *
 * <p>Values (and keys starting with the magic byte) are decoded with their writer schema and printed in Avro's JSON
 * encoding; other keys are printed as UTF-8 strings. The layout properties are those of Kafka's
 * {@code DefaultMessageFormatter}: {@code print.timestamp}, {@code print.partition}, {@code print.offset},
 * {@code print.headers}, {@code print.key}, {@code print.value}, {@code key.separator}, {@code line.separator},
 * {@code headers.separator}, {@code null.literal}. A record that cannot be decoded prints {@value #ERROR_PREFIX}
 * followed by the reason instead of its JSON, and the consumer keeps going.
 */
public class AvroMessageFormatter implements MessageFormatter {
  /** Printed in place of a key or value that cannot be decoded. */
  public static final String ERROR_PREFIX = "ERROR: ";

  private final SchemaRegistryClient injectedClient;
  private AvroDecoder keyDecoder;
  private AvroDecoder valueDecoder;
  private SchemaRegistryClient ownedClient;
  private boolean printTimestamp;
  private boolean printPartition;
  private boolean printOffset;
  private boolean printHeaders;
  private boolean printKey;
  private boolean printValue = true;
  private String keySeparator = "\t";
  private String lineSeparator = "\n";
  private String headersSeparator = ",";
  private String nullLiteral = "null";

  /** For the console consumer, which instantiates formatters by class name. */
  public AvroMessageFormatter() {
    this(null);
  }

  /** Uses {@code client} instead of building one from {@code schema.registry.url}. */
  public AvroMessageFormatter(SchemaRegistryClient client) {
    this.injectedClient = client;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    printTimestamp = flag(configs, "print.timestamp", false);
    printPartition = flag(configs, "print.partition", false);
    printOffset = flag(configs, "print.offset", false);
    printHeaders = flag(configs, "print.headers", false);
    printKey = flag(configs, "print.key", false);
    printValue = flag(configs, "print.value", true);
    keySeparator = text(configs, "key.separator", keySeparator);
    lineSeparator = text(configs, "line.separator", lineSeparator);
    headersSeparator = text(configs, "headers.separator", headersSeparator);
    nullLiteral = text(configs, "null.literal", nullLiteral);
    SchemaRegistryClient client = injectedClient;
    if (client == null) {
      Map<String, Object> serdeConfigs = new HashMap<>();
      configs.forEach((k, v) -> {
        if (AvroSerdeConfig.configDef().names().contains(k)) {
          serdeConfigs.put(k, v);
        }
      });
      client = ownedClient = new RestSchemaRegistryClient(serdeConfigs);
    }
    keyDecoder = new AvroDecoder(client, AvroDecoder.Mode.GENERIC, null);
    keyDecoder.configure(Map.of(), true);
    valueDecoder = new AvroDecoder(client, AvroDecoder.Mode.GENERIC, null);
    valueDecoder.configure(Map.of(), false);
  }

  @Override
  public void writeTo(ConsumerRecord<byte[], byte[]> record, PrintStream output) {
    if (valueDecoder == null) {
      configure(Map.of());
    }
    StringBuilder line = new StringBuilder();
    if (printTimestamp) {
      line.append(record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? "NO_TIMESTAMP"
          : record.timestampType() + ":" + record.timestamp()).append(keySeparator);
    }
    if (printPartition) {
      line.append("Partition:").append(record.partition()).append(keySeparator);
    }
    if (printOffset) {
      line.append("Offset:").append(record.offset()).append(keySeparator);
    }
    if (printHeaders) {
      line.append(headers(record)).append(keySeparator);
    }
    if (printKey) {
      line.append(key(record)).append(keySeparator);
    }
    if (printValue) {
      line.append(decode(valueDecoder, record.topic(), record.value()));
    }
    output.print(line.append(lineSeparator));
  }

  private String key(ConsumerRecord<byte[], byte[]> record) {
    byte[] key = record.key();
    if (key == null) {
      return nullLiteral;
    }
    if (WireFormat.looksFramed(key)) {
      return decode(keyDecoder, record.topic(), key);
    }
    return new String(key, StandardCharsets.UTF_8);
  }

  private String decode(AvroDecoder decoder, String topic, byte[] payload) {
    if (payload == null) {
      return nullLiteral;
    }
    try {
      return AvroJson.toJson(decoder.deserialize(topic, payload));
    } catch (RuntimeException e) {
      return ERROR_PREFIX + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
  }

  private String headers(ConsumerRecord<byte[], byte[]> record) {
    Iterator<Header> headers = record.headers().iterator();
    if (!headers.hasNext()) {
      return "NO_HEADERS";
    }
    StringBuilder text = new StringBuilder();
    while (headers.hasNext()) {
      Header header = headers.next();
      text.append(header.key()).append(':')
          .append(header.value() == null ? nullLiteral : new String(header.value(), StandardCharsets.UTF_8));
      if (headers.hasNext()) {
        text.append(headersSeparator);
      }
    }
    return text.toString();
  }

  private static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    return value == null ? defaultValue : Boolean.parseBoolean(value.toString().trim());
  }

  private static String text(Map<String, ?> configs, String key, String defaultValue) {
    Object value = configs.get(key);
    return value == null ? defaultValue : value.toString();
  }

  @Override
  public void close() {
    if (ownedClient != null) {
      ownedClient.close();
    }
  }
}
