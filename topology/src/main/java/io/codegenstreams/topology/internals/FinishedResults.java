package io.codegenstreams.topology.internals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

  /** {@code stored}: an entry of an earlier version that still sits in the in-flight index. */
  private record Finished(long atMs, byte[] result, boolean stored) {}

  private final LinkedHashMap<String, Finished> byId = new LinkedHashMap<>();
  private final List<Map.Entry<String, Finished>> restored = new ArrayList<>();

  /** Forgets everything: a task revived after an aborted transaction starts again from its committed stores. */
  void clear() {
    byId.clear();
    restored.clear();
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
    byId.put(id, new Finished(atMs, result, false));
  }

  /** A DONE in-flight entry written by an earlier version; call {@link #restored()} once all are added. */
  void addStored(String id, long atMs, byte[] result) {
    restored.add(Map.entry(id, new Finished(atMs, result, true)));
  }

  void restored() {
    restored.sort(Comparator.comparingLong(e -> e.getValue().atMs()));
    restored.forEach(e -> byId.put(e.getKey(), e.getValue()));
    restored.clear();
  }

  /**
   * Forgets the results {@code visible} (in the results store) or older than {@code retentionMs}. A task's results
   * reach its results store in the order they were emitted, so only the oldest are looked at: the pass stops after
   * a few still in flight instead of looking up every finished id again.
   *
   * @param deleteStored deletes the in-flight entry of an earlier version's result
   */
  void forget(long nowMs, long retentionMs, Predicate<String> visible, Consumer<String> deleteStored) {
    int stillInFlight = 0;
    for (Iterator<Map.Entry<String, Finished>> it = byId.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Finished> e = it.next();
      if (nowMs - e.getValue().atMs() <= retentionMs && !visible.test(e.getKey())) {
        if (++stillInFlight >= SCAN_MISSES) {
          return;
        }
        continue;
      }
      if (e.getValue().stored()) {
        deleteStored.accept(e.getKey());
      }
      it.remove();
    }
  }
}
