package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Waits for the result of one request id. Requests and results are both keyed by request id and have the same
 * partition count, so the result lands on the partition the default partitioner picks for the id: only that
 * partition is read, from its end as of {@link #open} (before the request is sent), with read_committed.
 */
final class ResultWaiter implements AutoCloseable {
  /** How long a client command waits for the cluster's metadata before it says the cluster is not there. */
  static final Duration UNREACHABLE_AFTER = Duration.ofSeconds(15);
  private final KafkaConsumer<String, CodeGenResult> consumer;
  private final String requestId;

  private ResultWaiter(KafkaConsumer<String, CodeGenResult> consumer, String requestId) {
    this.consumer = consumer;
    this.requestId = requestId;
  }

  static ResultWaiter open(ConnectionOptions connection, String topic, String requestId) {
    KafkaConsumer<String, CodeGenResult> consumer = ClientFactory.resultConsumer(connection);
    try {
      assignAtEnd(consumer, connection, topic, requestId);
      return new ResultWaiter(consumer, requestId);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Assigns {@code consumer} the partition of {@code topic} that the default partitioner picks for the id, at its
   * end: the topics of the pipeline share the requests topic's partition count and are all keyed by request id.
   */
  static void assignAtEnd(KafkaConsumer<String, ?> consumer, ConnectionOptions connection, String topic,
                          String requestId) {
    int partitions;
    try {
      partitions = consumer.partitionsFor(topic, UNREACHABLE_AFTER).size();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException("Kafka at " + connection.bootstrapServers() + " did not answer within "
          + UNREACHABLE_AFTER.toSeconds() + " s: start it with ./codegen run, or point --bootstrap-servers at a running"
          + " cluster.", e);
    }
    if (partitions == 0) {
      throw new IllegalStateException("Topic " + topic + " does not exist at " + connection.bootstrapServers()
          + ". Start the system with ./codegen run, or point --bootstrap-servers at it.");
    }
    int partition = Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % partitions;
    TopicPartition tp = new TopicPartition(topic, partition);
    consumer.assign(List.of(tp));
    consumer.seekToEnd(List.of(tp));
    consumer.position(tp, Duration.ofSeconds(30));
  }

  /**
   * The latest result already committed for the id: reads its partition from the beginning up to the position
   * {@link #open} recorded (the results topic is compacted, so that is about one record per id of the partition).
   */
  Optional<CodeGenResult> existing() {
    TopicPartition tp = consumer.assignment().iterator().next();
    long end = consumer.position(tp);
    consumer.seekToBeginning(List.of(tp));
    CodeGenResult found = null;
    while (consumer.position(tp) < end) {
      for (ConsumerRecord<String, CodeGenResult> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() < end && requestId.equals(record.key())) {
          found = record.value();
        }
      }
    }
    consumer.seek(tp, end);
    return Optional.ofNullable(found);
  }

  /** The result if it arrives within {@code wait}. */
  Optional<CodeGenResult> poll(Duration wait) {
    for (ConsumerRecord<String, CodeGenResult> record : consumer.poll(wait)) {
      if (requestId.equals(record.key()) && record.value() != null) {
        return Optional.of(record.value());
      }
    }
    return Optional.empty();
  }

  Optional<CodeGenResult> await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, CodeGenResult> record : consumer.poll(Duration.ofMillis(200))) {
        if (requestId.equals(record.key()) && record.value() != null) {
          return Optional.of(record.value());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
