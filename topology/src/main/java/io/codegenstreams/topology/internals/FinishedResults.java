package io.codegenstreams.topology.internals;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Results of a task's finished requests, oldest first, until the results store shows them: their wire bytes answer
 * repeats meanwhile. Held in memory only: a result commits in the same transaction as the delete of its in-flight
 * entry, and a task that restarts restores the results store from the results topic before it processes anything,
 * so it finds the result there.
 */
final class FinishedResults {
  /** A result a housekeeping pass may look past before it stops: one that never shows must not hold up the rest. */
  private static final int SCAN_MISSES = 32;

  private record Finished(long atMs, byte[] result) {}

  private final LinkedHashMap<String, Finished> byId = new LinkedHashMap<>();

  /** Forgets everything: a task revived after an aborted transaction starts again from its committed stores. */
  void clear() {
    byId.clear();
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  /** The result's wire bytes, or null when the id is not (or no longer) here. */
  byte[] get(String id) {
    Finished f = byId.get(id);
    return f == null ? null : f.result();
  }

  void add(String id, long atMs, byte[] result) {
    byId.put(id, new Finished(atMs, result));
  }

  /**
   * Forgets the results {@code visible} (in the results store) or older than {@code retentionMs}. A task's results
   * reach its results store in the order they were emitted, so only the oldest are looked at: the pass stops after
   * a few still in flight instead of looking up every finished id again.
   */
  void forget(long nowMs, long retentionMs, Predicate<String> visible) {
    int stillInFlight = 0;
    for (Iterator<Map.Entry<String, Finished>> it = byId.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Finished> e = it.next();
      if (nowMs - e.getValue().atMs() <= retentionMs && !visible.test(e.getKey())) {
        if (++stillInFlight >= SCAN_MISSES) {
          return;
        }
        continue;
      }
      it.remove();
    }
  }
}
