package io.codegenstreams.gateway;

import io.codegenstreams.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One consumer of one topic for the whole gateway (not one per HTTP call): it reads every partition from the end
 * as of start, with {@code read_committed}, and hands each record to the calls waiting for its key. A gateway
 * replica therefore reads the whole results (and stream) topic: its cost grows with the pipeline's total rate, not
 * with its own calls; see the README's gateway section.
 */
final class TopicReader<V extends SpecificRecord> implements AutoCloseable {
  private final KafkaConsumer<String, V> consumer;
  private final Map<String, Set<Consumer<V>>> waiting = new ConcurrentHashMap<>();
  private final Thread thread;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean healthy;

  TopicReader(String topic, Class<V> type, Map<String, Object> clientProperties, Map<String, Object> serdeConfig) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "codegen-gateway-" + topic);
    SpecificAvroDeserializer<V> values = new SpecificAvroDeserializer<>(type);
    values.configure(serdeConfig, false);
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    thread = new Thread(() -> run(topic), "codegen-gateway-reader-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until the reader is at the end of every partition: calls registered after this see every new record. */
  boolean awaitPositioned(Duration timeout) throws InterruptedException {
    return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean healthy() {
    return healthy;
  }

  void register(String key, Consumer<V> listener) {
    waiting.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
  }

  void unregister(String key, Consumer<V> listener) {
    waiting.computeIfPresent(key, (k, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }

  int waitingCalls() {
    return waiting.size();
  }

  private void run(String topic) {
    try (consumer) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      positioned.countDown();
      healthy = true;
      while (running) {
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
          Set<Consumer<V>> listeners = record.key() == null ? null : waiting.get(record.key());
          if (listeners != null && record.value() != null) {
            listeners.forEach(l -> l.accept(record.value()));
          }
        }
      }
    } catch (WakeupException closing) {
      // close() woke the poll
    } catch (RuntimeException e) {
      healthy = false;
      org.slf4j.LoggerFactory.getLogger(TopicReader.class).error("the gateway's reader of {} stopped", topic, e);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
