package io.codegenstreams.embedded.registry;

import io.codegenstreams.embedded.EmbeddedRuntimeException;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a compacted single-partition topic, read whole on start and appended to with an
 * idempotent {@code acks=all} producer. Each write is acknowledged before the registry answers, so an id handed out
 * is never lost and ids stay the same across restarts. There is one writer (this registry).
 */
final class SchemaLog implements AutoCloseable {
  static final String TOPIC = "_schemas";
  private static final Logger log = LoggerFactory.getLogger(SchemaLog.class);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private KafkaProducer<byte[], byte[]> producer;

  SchemaLog(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** Creates the topic when missing, checks it has one partition, and opens the producer. */
  void open() {
    Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(adminConfig)) {
      TopicCreator.ensure(admin, List.of(new TopicSpec(TOPIC, 1, Map.of("cleanup.policy", "compact"))));
      TopicDescription description = TopicCreator.describe(admin, TOPIC);
      if (description.partitions().size() != 1) {
        throw new EmbeddedRuntimeException("The schema registry topic " + TOPIC + " has "
            + description.partitions().size() + " partitions; it must have exactly 1 so schema ids stay ordered");
      }
    }
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
        ProducerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Reads the topic from the beginning to its current end, handing each decoded record to {@code sink}. */
  int replay(Consumer<Object> sink) {
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry-reader");
    int count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (consumer.position(partition, READ_TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new EmbeddedRuntimeException("Timed out reading the schema registry topic " + TOPIC + " up to offset "
              + end);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          try {
            Optional<Object> entry = StoreRecords.decode(record.key(), record.value());
            entry.ifPresent(sink);
            count++;
          } catch (RuntimeException e) {
            log.warn("skipping unreadable record at offset {} of {}: {}", record.offset(), TOPIC, e.toString());
          }
        }
      }
    }
    return count;
  }

  /** Appends one record and waits for the broker's acknowledgement. */
  void append(byte[] key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(TOPIC, key, value)).get(WRITE_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw RestError.store("Error while writing to the schemas topic " + TOPIC + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw RestError.store("Timed out writing to the schemas topic " + TOPIC, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RestError.store("Interrupted while writing to the schemas topic " + TOPIC, e);
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
