package io.codegenstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.Priority;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {
  private static final Map<String, Object> AUTO_REGISTER = Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  private static CodeGenRequest request(String id) {
    return CodeGenRequest.newBuilder().setRequestId(id).setPrompt("class A {").setPriority(Priority.HIGH)
        .setStop(List.of("}")).setMetadata(Map.of("editor", "vim")).setSeed(7L).build();
  }

  private SpecificAvroSerde<CodeGenRequest> serde(Map<String, Object> configs, boolean isKey) {
    SpecificAvroSerde<CodeGenRequest> serde = new SpecificAvroSerde<>(registry, CodeGenRequest.class);
    serde.configure(configs, isKey);
    return serde;
  }

  @Test
  void shouldWriteMagicByteAndSchemaIdThenReadTheSameRecordWhenAutoRegistering() {
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(AUTO_REGISTER, false)) {
      byte[] bytes = serde.serializer().serialize("requests", request("r1"));
      int id = registry.latestVersion("requests-value").id();
      assertThat(bytes[0]).isZero();
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
      assertThat(serde.deserializer().deserialize("requests", bytes)).isEqualTo(request("r1"));
      serde.serializer().serialize("requests", request("r2"));
      assertThat(registry.registerCalls).as("the id is cached after the first record").isEqualTo(1);
    }
  }

  @Test
  void shouldUseTheKeySubjectWhenConfiguredAsKey() {
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(AUTO_REGISTER, true)) {
      serde.serializer().serialize("requests", request("r1"));
    }
    assertThat(registry.subjects()).containsExactly("requests-key");
  }

  @Test
  void shouldUseTheRecordNameWhenConfluentsRecordNameStrategyClassIsConfigured() {
    Map<String, Object> configs = Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true,
        AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.RecordNameStrategy");
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(configs, false)) {
      serde.serializer().serialize("requests", request("r1"));
    }
    assertThat(registry.subjects()).containsExactly("io.codegenstreams.schemas.CodeGenRequest");
  }

  @Test
  void shouldFailNamingTheSettingWhenTheSchemaIsNotRegisteredAndAutoRegisterIsOff() {
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(Map.of(), false)) {
      assertThatThrownBy(() -> serde.serializer().serialize("requests", request("r1")))
          .isInstanceOf(SerdeException.class)
          .hasMessageContaining("not registered for subject requests-value")
          .hasMessageContaining("auto.register.schemas=false")
          .hasMessageContaining("set auto.register.schemas=true");
      registry.register("requests-value", CodeGenRequest.getClassSchema());
      assertThat(serde.serializer().serialize("requests", request("r1"))).isNotEmpty();
      assertThat(registry.registerCalls).as("the serializer only looked the schema up").isEqualTo(1);
    }
  }

  @Test
  void shouldReadDataWrittenWithAnOlderSchemaIntoTheCurrentClassWhenTheSchemaEvolved() {
    Schema v0 = SchemaBuilder.record("CodeGenRequest").namespace("io.codegenstreams.schemas").fields()
        .requiredString("request_id").requiredString("prompt").requiredString("dropped_later").endRecord();
    GenericRecord old = new GenericData.Record(v0);
    old.put("request_id", "old-1");
    old.put("prompt", "def f(");
    old.put("dropped_later", "x");
    GenericAvroSerializer writer = new GenericAvroSerializer(registry);
    writer.configure(AUTO_REGISTER, false);
    byte[] bytes = writer.serialize("requests", old);

    try (SpecificAvroSerde<CodeGenRequest> serde = serde(Map.of(), false)) {
      CodeGenRequest read = serde.deserializer().deserialize("requests", bytes);
      assertThat(read.getRequestId()).isEqualTo("old-1");
      assertThat(read.getPriority()).as("added field takes its default").isEqualTo(Priority.NORMAL);
      assertThat(read.getMaxNewTokens()).isEqualTo(64);
    }
    SpecificAvroDeserializer<CodeGenRequest> byWriterName = new SpecificAvroDeserializer<>(registry, null);
    byWriterName.configure(Map.of(), false);
    assertThat(byWriterName.deserialize("requests", bytes)).isInstanceOf(CodeGenRequest.class);
  }

  @Test
  void shouldSerializeWithTheLatestRegisteredSchemaWhenUseLatestVersionIsSet() {
    int id = registry.register("requests-value", CodeGenRequest.getClassSchema());
    Map<String, Object> configs = Map.of(AvroSerdeConfig.USE_LATEST_VERSION, true);
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(configs, false)) {
      byte[] bytes = serde.serializer().serialize("requests", request("r1"));
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
      assertThat(serde.deserializer().deserialize("requests", bytes)).isEqualTo(request("r1"));
    }
  }

  @Test
  void shouldThrowNamedSerializationExceptionsWhenPayloadsAreBroken() {
    byte[] good;
    try (SpecificAvroSerde<CodeGenRequest> serde = serde(AUTO_REGISTER, false)) {
      good = serde.serializer().serialize("requests", request("r1"));
    }
    SpecificAvroDeserializer<CodeGenRequest> deserializer = new SpecificAvroDeserializer<>(registry, CodeGenRequest.class);
    deserializer.configure(Map.of(), false);

    assertThatThrownBy(() -> deserializer.deserialize("requests", "{\"json\":1}".getBytes()))
        .isInstanceOf(UnknownMagicByteException.class).isInstanceOf(SerializationException.class)
        .hasMessageContaining("0x7b").hasMessageContaining("topic requests");
    assertThatThrownBy(() -> deserializer.deserialize("requests", new byte[] {0, 0, 1}))
        .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("Truncated");
    assertThatThrownBy(() -> deserializer.deserialize("requests", Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("schema id");
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 4242);
    assertThatThrownBy(() -> deserializer.deserialize("requests", unknownId))
        .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> {
          assertThat(e.getMessage()).contains("Unknown schema id 4242");
          assertThat(e.retriable()).isFalse();
        });
    assertThat(deserializer.deserialize("requests", null)).isNull();
  }
}
