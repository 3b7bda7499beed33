package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.topology.TopologyConfig;
import io.codegenstreams.topology.TopologyConfig.LaneLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * One priority lane of a task: a persistent windowed RocksDB store of the buffered requests' original bytes,
 * windowed by arrival time (so scans go oldest first and abandoned entries expire with the store's retention),
 * plus the in-memory queue of those not yet handed to the engine. The store is the truth; the queue is rebuilt
 * from it after a restart or a rebalance.
 */
final class LaneBuffer {
  private final LaneLimits limits;
  private final WindowStore<String, byte[]> store;
  private final UnaryOperator<String> models;
  /** Not yet handed to the engine, by id, oldest first. */
  private final LinkedHashMap<String, Pending> waiting = new LinkedHashMap<>();
  private int buffered;

  /** @param models resolves a request's model name (null: the default) to the declared model */
  LaneBuffer(LaneLimits limits, WindowStore<String, byte[]> store, UnaryOperator<String> models) {
    this.limits = limits;
    this.store = store;
    this.models = models;
  }

  LaneLimits limits() {
    return limits;
  }

  boolean full() {
    return buffered >= limits.maxPending();
  }

  int buffered() {
    return buffered;
  }

  int waiting() {
    return waiting.size();
  }

  Pending add(CodeGenRequest request, byte[] wireBytes, long arrivalMs) {
    store.put(request.getRequestId(), wireBytes, arrivalMs);
    Pending pending = pending(request, arrivalMs);
    waiting.put(pending.id(), pending);
    buffered++;
    return pending;
  }

  /** Forgets a finished request: its buffered copy is deleted (in the same transaction as its result). */
  void remove(String id, long arrivalMs) {
    store.put(id, null, arrivalMs);
    buffered--;
  }

  Pending peek() {
    return waiting.isEmpty() ? null : waiting.values().iterator().next();
  }

  Pending poll() {
    Pending head = peek();
    if (head != null) {
      waiting.remove(head.id());
    }
    return head;
  }

  /** Takes a request out of the waiting queue (it stays buffered until {@link #remove}); null when not waiting. */
  Pending takeWaiting(String id) {
    return waiting.remove(id);
  }

  /** Removes waiting entries whose time is up and hands each to {@code expired}. */
  void expire(long nowMs, Consumer<Pending> expired) {
    for (Iterator<Pending> it = waiting.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (nowMs >= p.expiresAtMs()) {
        it.remove();
        expired.accept(p);
      }
    }
  }

  /**
   * Rebuilds the waiting queue from the store, oldest first.
   *
   * @param decode turns stored bytes back into the request (they decoded once already)
   */
  void restore(Function<byte[], CodeGenRequest> decode) {
    List<Pending> found = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<Windowed<String>, byte[]> kv = all.next();
        if (kv.value != null) {
          CodeGenRequest request = decode.apply(kv.value);
          if (request.getCreatedAt() == null || request.getCreatedAt().toEpochMilli() <= 0) {
            request.setCreatedAt(java.time.Instant.ofEpochMilli(kv.key.window().start())); // its arrival
          }
          found.add(pending(request, kv.key.window().start()));
        }
      }
    }
    found.sort(Comparator.comparingLong(Pending::arrivalMs));
    waiting.clear();
    found.forEach(p -> waiting.put(p.id(), p));
    buffered = found.size();
  }

  private Pending pending(CodeGenRequest request, long arrivalMs) {
    long maxWaitEnd = arrivalMs + limits.maxWaitMs();
    long deadline = request.getDeadline() != null
        ? request.getDeadline().toEpochMilli() : arrivalMs + limits.defaultDeadlineMs();
    String reason = maxWaitEnd <= deadline
        ? "waited " + limits.maxWaitMs() + " ms in the " + limits.lane() + " lane without reaching the engine ("
            + TopologyConfig.laneMaxWaitMs(limits.lane()) + ")"
        : "deadline passed while waiting in the " + limits.lane() + " lane";
    return new Pending(request.getRequestId(), models.apply(request.getModel()), limits.lane(), arrivalMs, deadline,
        Math.min(maxWaitEnd, deadline), reason, request);
  }
}
