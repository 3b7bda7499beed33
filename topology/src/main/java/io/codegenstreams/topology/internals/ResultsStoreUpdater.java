package io.codegenstreams.topology.internals;

import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the read-only results store equal to the compacted results topic, which is its changelog: the topic is the
 * idempotency store, and this store is its local, restorable index (raw wire bytes, decoded only on a repeat).
 * Entries older than the idempotency window are purged, as the topic's retention deletes them.
 */
public final class ResultsStoreUpdater implements Processor<String, byte[], Void, Void> {
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

  private final long windowMs;
  private TimestampedKeyValueStore<String, byte[]> store;

  public ResultsStoreUpdater(long windowMs) {
    this.windowMs = windowMs;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(StoreNames.RESULTS_STORE);
    context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
    }
  }

  private void purge(long nowMs) {
    long oldest = nowMs - windowMs;
    try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, ValueAndTimestamp<byte[]>> kv = all.next();
        if (kv.value != null && kv.value.timestamp() < oldest) {
          store.delete(kv.key);
        }
      }
    }
  }
}
