package io.codegenstreams.topology.internals;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Dead-letter records: the original key, value and headers, plus headers that say what went wrong and where. */
final class DeadLetters {
  static final String ERROR = "codegen.dlq.error";
  static final String REASON = "codegen.dlq.reason";
  static final String TOPIC = "codegen.dlq.topic";
  static final String PARTITION = "codegen.dlq.partition";
  static final String OFFSET = "codegen.dlq.offset";

  private DeadLetters() {}

  static Record<byte[], byte[]> of(Record<byte[], byte[]> original, RecordMetadata source, Exception error) {
    Headers headers = new RecordHeaders(original.headers().toArray());
    put(headers, ERROR, error.getClass().getName());
    put(headers, REASON, reason(error));
    put(headers, TOPIC, source.topic());
    put(headers, PARTITION, Integer.toString(source.partition()));
    put(headers, OFFSET, Long.toString(source.offset()));
    return new Record<>(original.key(), original.value(), original.timestamp(), headers);
  }

  static String reason(Throwable error) {
    StringBuilder sb = new StringBuilder(String.valueOf(error.getMessage()));
    for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      sb.append(": ").append(cause.getMessage());
    }
    return sb.toString();
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
