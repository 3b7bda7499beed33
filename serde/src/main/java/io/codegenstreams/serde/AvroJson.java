package io.codegenstreams.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro datum to one line of JSON in Avro's JSON encoding (unions as {@code {"string": "x"}}), the format Confluent's
 * console consumer prints and {@link io.codegenstreams.serde.internals.JsonToAvro} reads back.
 */
public final class AvroJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AvroJson() {}

  public static String toJson(Object datum) {
    if (datum instanceof IndexedRecord record) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out, false);
        // Generated classes carry logical-type conversions (Instant for timestamp-millis) in their own model.
        GenericData model = record instanceof SpecificRecord ? SpecificData.getForClass(record.getClass()) : GenericData.get();
        new GenericDatumWriter<Object>(record.getSchema(), model).write(record, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      if (datum instanceof CharSequence || datum instanceof GenericData.EnumSymbol) {
        return JSON.writeValueAsString(datum.toString());
      }
      return JSON.writeValueAsString(datum);
    } catch (JsonProcessingException e) {
      return String.valueOf(datum);
    }
  }
}
