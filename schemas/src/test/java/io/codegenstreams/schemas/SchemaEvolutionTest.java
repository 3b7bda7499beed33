package io.codegenstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

  private static Schema load(String resource) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static CodeGenRequest v1Request() {
    return CodeGenRequest.newBuilder()
        .setRequestId("req-1")
        .setPrompt("public int max(int a, int b) {")
        .setPriority(Priority.HIGH)
        .setStop(List.of("\n}"))
        .setDeadline(Instant.ofEpochMilli(1_800_000_000_000L))
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setMetadata(Map.of("editor", "vim"))
        .build();
  }

  private static byte[] encode(CodeGenRequest request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(CodeGenRequest.class).write(request, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** A record of {@code schema} with every field that has a default set to it. */
  private static GenericRecord withDefaults(Schema schema) {
    GenericRecord record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      if (field.hasDefaultValue()) {
        record.put(field.name(), GenericData.get().getDefaultValue(field));
      }
    }
    return record;
  }

  /** BACKWARD (the newer schema reads the older one's data) and FORWARD (the older reads the newer's). */
  private static void assertCompatibleBothWays(Schema older, Schema newer) {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(newer, older).getType())
        .as("newer reader, older writer (BACKWARD)").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(older, newer).getType())
        .as("older reader, newer writer (FORWARD)").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static byte[] encodeGeneric(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Test
  void shouldDecodeV1RecordsWhenReadWithV2SchemaThatAddsAnOptionalField() throws IOException {
    Schema v2 = load("/avro/CodeGenRequest-v2.avsc");
    byte[] v1Bytes = encode(v1Request());

    GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(CodeGenRequest.getClassSchema(), v2);
    GenericRecord decoded = reader.read(null, DecoderFactory.get().binaryDecoder(v1Bytes, null));

    assertThat(decoded.get("request_id").toString()).isEqualTo("req-1");
    assertThat(decoded.get("priority").toString()).isEqualTo("HIGH");
    assertThat(decoded.get("deadline")).isEqualTo(1_800_000_000_000L);
    assertThat(decoded.get("language")).isNull();
  }

  @Test
  void shouldBeBackwardAndForwardCompatibleWhenV2AddsAnOptionalField() throws IOException {
    Schema v1 = CodeGenRequest.getClassSchema();
    Schema v2 = load("/avro/CodeGenRequest-v2.avsc");

    assertCompatibleBothWays(v1, v2);
  }

  @Test
  void shouldDecodeV2RecordsWhenReadByTheV1GeneratedClass() throws IOException {
    Schema v2 = load("/avro/CodeGenRequest-v2.avsc");
    GenericRecord v2Record = withDefaults(v2);
    v2Record.put("request_id", "req-2");
    v2Record.put("prompt", "class A {");
    v2Record.put("language", "java");
    byte[] written = encodeGeneric(v2, v2Record);

    SpecificDatumReader<CodeGenRequest> reader =
        new SpecificDatumReader<>(v2, CodeGenRequest.getClassSchema());
    CodeGenRequest decoded = reader.read(null, DecoderFactory.get().binaryDecoder(written, null));

    assertThat(decoded.getRequestId()).isEqualTo("req-2");
    assertThat(decoded.getPriority()).isEqualTo(Priority.NORMAL);
    assertThat(decoded.getMaxNewTokens()).isEqualTo(64);
  }

  @Test
  void shouldDocumentEveryFieldAndDefaultAllButTheIdentityWhenSchemasAreShipped() {
    for (Schema schema : List.of(CodeGenRequest.getClassSchema(), CodeGenResult.getClassSchema(),
        CodeGenChunk.getClassSchema())) {
      for (Schema.Field field : schema.getFields()) {
        assertThat(field.doc()).as(schema.getName() + "." + field.name() + " doc").isNotBlank();
        boolean identity = field.name().equals("request_id") || field.name().equals("prompt");
        assertThat(field.hasDefaultValue() || identity)
            .as(schema.getName() + "." + field.name() + " has a default").isTrue();
      }
    }
  }

  @Test
  void shouldReadUnknownEnumSymbolAsDefaultWhenAWriterAddsALane() throws IOException {
    String writerJson = CodeGenRequest.getClassSchema().toString()
        .replace("\"symbols\":[\"HIGH\",\"NORMAL\",\"LOW\"]", "\"symbols\":[\"HIGH\",\"NORMAL\",\"LOW\",\"BATCH\"]");
    Schema writer = new Schema.Parser().parse(writerJson);
    GenericRecord record = withDefaults(writer);
    record.put("request_id", "req-3");
    record.put("prompt", "x");
    record.put("priority", new GenericData.EnumSymbol(writer.getField("priority").schema(), "BATCH"));
    byte[] written = encodeGeneric(writer, record);

    CodeGenRequest decoded = new SpecificDatumReader<CodeGenRequest>(writer, CodeGenRequest.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(written, null));

    assertThat(decoded.getPriority()).isEqualTo(Priority.NORMAL);
  }

  @Test
  void shouldStayCompatibleBothWaysWhenSuffixIsAddedForFillInTheMiddle() throws IOException {
    Schema before = load("/avro/CodeGenRequest-before-suffix.avsc");
    Schema now = CodeGenRequest.getClassSchema();
    assertCompatibleBothWays(before, now);
  }

  @Test
  void shouldReadSuffixAsNullWhenAPreSuffixClientWroteTheRequest() throws IOException {
    Schema before = load("/avro/CodeGenRequest-before-suffix.avsc");
    GenericRecord old = withDefaults(before);
    old.put("request_id", "old-client");
    old.put("prompt", "int x = ");
    byte[] written = encodeGeneric(before, old);

    CodeGenRequest decoded = new SpecificDatumReader<CodeGenRequest>(before, CodeGenRequest.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(written, null));
    assertThat(decoded.getRequestId()).isEqualTo("old-client");
    assertThat(decoded.getSuffix()).isNull();

    CodeGenRequest withSuffix = CodeGenRequest.newBuilder(v1Request()).setSuffix(";\n}").build();
    GenericRecord readByOld = new GenericDatumReader<GenericRecord>(CodeGenRequest.getClassSchema(), before)
        .read(null, DecoderFactory.get().binaryDecoder(encode(withSuffix), null));
    assertThat(readByOld.get("prompt").toString()).isEqualTo("public int max(int a, int b) {");
    assertThat(readByOld.getSchema().getField("suffix")).isNull();
  }

  @Test
  void shouldStayCompatibleBothWaysWhenSupersedesAndStreamAreAdded() throws IOException {
    assertCompatibleBothWays(load("/avro/CodeGenRequest-before-supersedes.avsc"), CodeGenRequest.getClassSchema());
  }

  @Test
  void shouldReadSupersedesEmptyAndStreamFalseWhenAnOlderClientWroteTheRequest() throws IOException {
    Schema before = load("/avro/CodeGenRequest-before-supersedes.avsc");
    GenericRecord old = withDefaults(before);
    old.put("request_id", "old-client");
    old.put("prompt", "int x = ");

    CodeGenRequest decoded = new SpecificDatumReader<CodeGenRequest>(before, CodeGenRequest.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(encodeGeneric(before, old), null));

    assertThat(decoded.getSupersedes()).isEmpty();
    assertThat(decoded.getStream()).isFalse();
  }

  @Test
  void shouldStayCompatibleBothWaysWhenCancelledIsAddedToTheResultStatus() throws IOException {
    assertCompatibleBothWays(load("/avro/CodeGenResult-before-cancelled.avsc"), CodeGenResult.getClassSchema());
  }

  @Test
  void shouldReadCancelledAsFailedWhenAnOlderReaderReadsANewResult() throws IOException {
    Schema before = load("/avro/CodeGenResult-before-cancelled.avsc");
    CodeGenResult cancelled = CodeGenResult.newBuilder().setRequestId("r").setStatus(ResultStatus.CANCELLED)
        .setCompletion("partial").build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(CodeGenResult.class).write(cancelled, encoder);
    encoder.flush();

    GenericRecord readByOld = new GenericDatumReader<GenericRecord>(CodeGenResult.getClassSchema(), before)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    assertThat(readByOld.get("status").toString()).isEqualTo("FAILED");
    assertThat(readByOld.get("completion").toString()).isEqualTo("partial");
  }

  @Test
  void shouldStayCompatibleBothWaysWhenTheRejectionReasonIsAdded() throws IOException {
    assertCompatibleBothWays(load("/avro/CodeGenResult-before-reason.avsc"), CodeGenResult.getClassSchema());
  }
}
