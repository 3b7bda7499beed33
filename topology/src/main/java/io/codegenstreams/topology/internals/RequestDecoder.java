package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes a raw request record: UTF-8 key, Confluent-framed Avro value; a tombstone (a key and a null value) is a
 * cancel of that request id. Every failure is returned, never thrown.
 */
final class RequestDecoder {
  private final Deserializer<CodeGenRequest> values;

  RequestDecoder(Deserializer<CodeGenRequest> values) {
    this.values = values;
  }

  DecodeOutcome decode(String topic, Headers headers, byte[] key, byte[] value) {
    String decodedKey;
    try {
      decodedKey = key == null ? null : StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException e) {
      return new DecodeOutcome(null, null, new SerializationException("record key is not UTF-8 text", e));
    }
    if (value == null) {
      return decodedKey == null
          ? new DecodeOutcome(null, null, new SerializationException("a tombstone without a key cancels nothing"))
          : new DecodeOutcome(null, decodedKey, null);
    }
    if (value.length == 0) {
      return new DecodeOutcome(null, decodedKey, new SerializationException("record value is empty"));
    }
    try {
      CodeGenRequest request = values.deserialize(topic, headers, value);
      if (request == null) {
        return new DecodeOutcome(null, decodedKey, new SerializationException("record value decoded to null"));
      }
      return new DecodeOutcome(request, decodedKey, null);
    } catch (RuntimeException e) {
      // SerializationException from the serde, AvroRuntimeException or worse from a payload written with another schema
      return new DecodeOutcome(null, decodedKey, e);
    }
  }
}
