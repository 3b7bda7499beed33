package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads the chunks of one request from its partition of the stream topic (from the end as of {@link #open}, before
 * the request is sent), in sequence order and without repeats: chunks are written at least once.
 */
final class ChunkReader implements AutoCloseable {
  private final KafkaConsumer<String, CodeGenChunk> consumer;
  private final String requestId;
  private final Map<Integer, CodeGenChunk> early = new TreeMap<>();
  private int next;
  private boolean last;

  private ChunkReader(KafkaConsumer<String, CodeGenChunk> consumer, String requestId) {
    this.consumer = consumer;
    this.requestId = requestId;
  }

  static ChunkReader open(ConnectionOptions connection, String topic, String requestId) {
    KafkaConsumer<String, CodeGenChunk> consumer = ClientFactory.chunkConsumer(connection);
    try {
      ResultWaiter.assignAtEnd(consumer, connection, topic, requestId);
      return new ChunkReader(consumer, requestId);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** The chunks that follow the ones already returned, in order; empty when none arrived within {@code wait}. */
  List<CodeGenChunk> poll(Duration wait) {
    for (ConsumerRecord<String, CodeGenChunk> record : consumer.poll(wait)) {
      CodeGenChunk chunk = record.value();
      if (requestId.equals(record.key()) && chunk != null && chunk.getSequence() >= next) {
        early.putIfAbsent(chunk.getSequence(), chunk);
      }
    }
    List<CodeGenChunk> ready = new ArrayList<>();
    for (CodeGenChunk c; (c = early.remove(next)) != null; next++) {
      ready.add(c);
      last |= c.getLast();
    }
    return ready;
  }

  /** True once the request's last chunk was returned. */
  boolean done() {
    return last;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
