package io.codegenstreams.topology.internals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Cancels that reached a task before their request did (two producers, reordering): remembered for
 * {@code cancel.retention.ms}, at most {@code cancel.max.remembered} of them, in a changelogged store so a crash
 * forgets none. The in-memory index, oldest first, only orders expiry; it is rebuilt from the store on init.
 */
final class EarlyCancels {
  private final KeyValueStore<String, Long> store;
  private final long retentionMs;
  private final int max;
  private final LinkedHashMap<String, Long> byArrival = new LinkedHashMap<>();

  EarlyCancels(KeyValueStore<String, Long> store, long retentionMs, int max) {
    this.store = store;
    this.retentionMs = retentionMs;
    this.max = max;
    List<KeyValue<String, Long>> found = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = store.all()) {
      all.forEachRemaining(found::add);
    }
    found.sort(Comparator.comparingLong(kv -> kv.value));
    found.forEach(kv -> byArrival.put(kv.key, kv.value));
  }

  /** Remembers a cancel of {@code id}; false when the limit is reached (the cancel is then not kept). */
  boolean remember(String id, long nowMs) {
    if (byArrival.containsKey(id)) {
      return true;
    }
    if (byArrival.size() >= max) {
      return false;
    }
    byArrival.put(id, nowMs);
    store.put(id, nowMs);
    return true;
  }

  /** True (and forgotten) when a cancel of {@code id} arrived within the retention before {@code nowMs}. */
  boolean take(String id, long nowMs) {
    Long at = byArrival.remove(id);
    if (at == null) {
      return false;
    }
    store.delete(id);
    return nowMs - at <= retentionMs;
  }

  /** Forgets cancels older than the retention; returns how many. */
  int expire(long nowMs) {
    int n = 0;
    for (Iterator<Map.Entry<String, Long>> it = byArrival.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (nowMs - e.getValue() <= retentionMs) {
        break;
      }
      it.remove();
      store.delete(e.getKey());
      n++;
    }
    return n;
  }

  boolean isEmpty() {
    return byArrival.isEmpty();
  }
}
