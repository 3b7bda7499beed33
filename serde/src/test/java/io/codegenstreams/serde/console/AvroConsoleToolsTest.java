package io.codegenstreams.serde.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RegisteredSchema;
import io.codegenstreams.serde.SchemaRegistryClient;
import io.codegenstreams.serde.SerdeException;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class AvroConsoleToolsTest {
  private final SchemaRegistryClient registry = new MapRegistry();

  private AvroJsonRecordReader reader(Map<String, Object> extra) {
    AvroJsonRecordReader reader = new AvroJsonRecordReader(registry);
    Map<String, Object> configs = new java.util.HashMap<>(Map.of("topic", "requests",
        AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "true"));
    configs.putAll(extra);
    reader.configure(configs);
    return reader;
  }

  private static List<ProducerRecord<byte[], byte[]>> read(AvroJsonRecordReader reader, String lines) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Iterator<ProducerRecord<byte[], byte[]>> it = reader.readRecords(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)));
    it.forEachRemaining(records::add);
    return records;
  }

  private String format(Map<String, Object> props, ConsumerRecord<byte[], byte[]> record) {
    AvroMessageFormatter formatter = new AvroMessageFormatter(registry);
    formatter.configure(props);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    formatter.writeTo(record, new PrintStream(out, true, StandardCharsets.UTF_8));
    formatter.close();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> consumed(byte[] key, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>("requests", 2, 17L, 1700000000000L, TimestampType.CREATE_TIME, key == null ? -1 : key.length,
        value == null ? -1 : value.length, key, value, headers, Optional.empty());
  }

  @Test
  void shouldFillSchemaDefaultsAndKeyByRequestIdWhenReadingAJsonLine() {
    List<ProducerRecord<byte[], byte[]>> records = read(reader(Map.of()),
        "{\"request_id\":\"r1\",\"prompt\":\"class A {\",\"priority\":\"HIGH\"}\n\n"
            + "{\"request_id\":\"r2\",\"prompt\":\"x\",\"model\":{\"string\":\"m\"},\"deadline\":\"2030-01-01T00:00:00Z\"}\n");
    assertThat(records).hasSize(2);
    assertThat(records.get(0).topic()).isEqualTo("requests");
    assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r1");
    SpecificAvroDeserializer<CodeGenRequest> deserializer = new SpecificAvroDeserializer<>(registry, CodeGenRequest.class);
    deserializer.configure(Map.of(), false);
    CodeGenRequest first = deserializer.deserialize("requests", records.get(0).value());
    assertThat(first.getPriority()).isEqualTo(Priority.HIGH);
    assertThat(first.getMaxNewTokens()).isEqualTo(64);
    assertThat(first.getStop()).isEmpty();
    assertThat(first.getModel()).isNull();
    CodeGenRequest second = deserializer.deserialize("requests", records.get(1).value());
    assertThat(second.getModel()).isEqualTo("m");
    assertThat(second.getDeadline()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void shouldNameTheLineAndTheProblemWhenALineIsBroken() {
    AvroJsonRecordReader reader = reader(Map.of());
    assertThatThrownBy(() -> read(reader, "{\"request_id\":\"r1\",\"prompt\":\"p\"}\n{\"request_id\": oops}\n"))
        .isInstanceOf(SerdeException.class).hasMessageContaining("Line 2 is not valid JSON");
    assertThatThrownBy(() -> read(reader, "{\"request_id\":\"r1\"}"))
        .isInstanceOf(SerdeException.class).hasMessageContaining("Line 1").hasMessageContaining("prompt");
    assertThatThrownBy(() -> read(reader, "{\"request_id\":\"r1\",\"prompt\":\"p\",\"priorty\":\"HIGH\"}"))
        .isInstanceOf(SerdeException.class).hasMessageContaining("unknown field 'priorty'");
    assertThatThrownBy(() -> read(reader, "{\"request_id\":\"r1\",\"prompt\":\"p\",\"priority\":\"URGENT\"}"))
        .isInstanceOf(SerdeException.class).hasMessageContaining("[HIGH, NORMAL, LOW]");
  }

  @Test
  void shouldPrintTheLayoutOfKafkasDefaultFormatterWithAvroAsJsonWhenAllPrintFlagsAreOn() {
    ProducerRecord<byte[], byte[]> produced = read(reader(Map.of()), "{\"request_id\":\"r1\",\"prompt\":\"p\"}").get(0);
    String line = format(Map.of("print.timestamp", "true", "print.partition", "true", "print.offset", "true",
        "print.headers", "true", "print.key", "true"), consumed(produced.key(), produced.value()));
    assertThat(line).startsWith("CreateTime:1700000000000\tPartition:2\tOffset:17\ttrace:t-1\tr1\t{\"request_id\":\"r1\","
        + "\"prompt\":\"p\",\"model\":null,\"priority\":\"NORMAL\",\"max_new_tokens\":64,");
    assertThat(line).endsWith("\"suffix\":null,\"supersedes\":[],\"stream\":false}\n");
  }

  @Test
  void shouldPrintJsonThatTheReaderAcceptsWhenRoundTripping() {
    String input = "{\"request_id\":\"r9\",\"prompt\":\"p\",\"model\":\"m\",\"seed\":5,\"stop\":[\"\\n\"],\"metadata\":{\"k\":\"v\"},\"suffix\":\";\\n}\"}";
    ProducerRecord<byte[], byte[]> produced = read(reader(Map.of()), input).get(0);
    String json = format(Map.of(), consumed(null, produced.value())).trim();
    assertThat(json).contains("\"model\":{\"string\":\"m\"}").contains("\"seed\":{\"long\":5}")
        .contains("\"suffix\":{\"string\":\";\\n}\"}");
    ProducerRecord<byte[], byte[]> again = read(reader(Map.of()), json).get(0);
    assertThat(again.value()).isEqualTo(produced.value());
  }

  @Test
  void shouldPrintAnErrorMarkerAndKeepGoingWhenAValueCannotBeDecoded() {
    String notAvro = format(Map.of("print.key", "true"), consumed("k".getBytes(), "plain text".getBytes()));
    assertThat(notAvro).startsWith("k\tERROR: UnknownMagicByteException: Unknown magic byte 0x70").endsWith("\n");
    String unknownId = format(Map.of(), consumed(null, new byte[] {0, 0, 0, 0x7f, 0x7f, 2}));
    assertThat(unknownId).startsWith("ERROR: SchemaNotFoundException: Unknown schema id 32639");
    assertThat(format(Map.of("print.key", "true"), consumed(null, null))).isEqualTo("null\tnull\n");
  }

  @Test
  void shouldBuildItsOwnRegistryClientWhenOnlyTheUrlIsGiven() {
    AvroMessageFormatter formatter = new AvroMessageFormatter();
    formatter.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1", AvroSerdeConfig.MAX_RETRIES, "0",
        "print.key", "true"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    formatter.writeTo(consumed("k".getBytes(), new byte[] {0, 0, 0, 0, 1, 2}), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("k\tERROR: SchemaRegistryException: Cannot reach schema registry");
    formatter.close();
  }

  /** Just enough registry for the console tools. */
  private static final class MapRegistry implements SchemaRegistryClient {
    private final Map<Integer, org.apache.avro.Schema> byId = new java.util.HashMap<>();

    @Override
    public int register(String subject, org.apache.avro.Schema schema) {
      byId.putIfAbsent(1, schema);
      return 1;
    }

    @Override
    public RegisteredSchema lookup(String subject, org.apache.avro.Schema schema) {
      return new RegisteredSchema(subject, 1, register(subject, schema), schema);
    }

    @Override
    public org.apache.avro.Schema schemaById(int id) {
      if (!byId.containsKey(id)) {
        throw new io.codegenstreams.serde.SchemaNotFoundException("Schema " + id + " not found", 404, 40403);
      }
      return byId.get(id);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RegisteredSchema latestVersion(String subject) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> subjects() {
      return List.of();
    }

    @Override
    public List<Integer> versions(String subject) {
      return List.of();
    }

    @Override
    public boolean isCompatible(String subject, org.apache.avro.Schema schema) {
      return true;
    }

    @Override
    public boolean isCompatible(String subject, int version, org.apache.avro.Schema schema) {
      return true;
    }

    @Override
    public io.codegenstreams.serde.CompatibilityLevel globalCompatibility() {
      return io.codegenstreams.serde.CompatibilityLevel.BACKWARD;
    }

    @Override
    public Optional<io.codegenstreams.serde.CompatibilityLevel> subjectCompatibility(String subject) {
      return Optional.empty();
    }

    @Override
    public io.codegenstreams.serde.CompatibilityLevel setCompatibility(String s, io.codegenstreams.serde.CompatibilityLevel l) {
      return l;
    }

    @Override
    public void close() {}
  }
}
