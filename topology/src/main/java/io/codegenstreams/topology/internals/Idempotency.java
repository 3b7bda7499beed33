package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.Priority;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The idempotency of one task's request ids. An id is in flight from the moment it is buffered until its result
 * is emitted ({@code inflight-index}: its lane, arrival and the repeats that arrived meanwhile, which get copies of
 * its result); then finished, answered from memory until the results store (the results topic, read back) shows
 * its result, and from that store afterwards.
 */
final class Idempotency {
  private final KeyValueStore<String, byte[]> inflight;
  private final TimestampedKeyValueStore<String, byte[]> results;
  private final long completedRetentionMs;
  private final FinishedResults finished = new FinishedResults();

  Idempotency(KeyValueStore<String, byte[]> inflight, TimestampedKeyValueStore<String, byte[]> results,
              long completedRetentionMs) {
    this.inflight = inflight;
    this.results = results;
    this.completedRetentionMs = completedRetentionMs;
  }

  /** The wire bytes of the id's result, recently finished or in the results store; null when it has none. */
  byte[] result(String id) {
    byte[] recent = finished.get(id);
    if (recent != null) {
      return recent;
    }
    ValueAndTimestamp<byte[]> stored = results.get(id);
    return stored == null ? null : stored.value();
  }

  /** The lane of an id in flight, or null. */
  Priority laneInFlight(String id) {
    byte[] entry = inflight.get(id);
    return entry == null ? null : InflightEntry.decode(entry).lane();
  }

  /** A repeat of an id in flight: it will get a copy of the result. False when the id is not in flight. */
  boolean attachRepeat(String id) {
    byte[] entry = inflight.get(id);
    if (entry == null) {
      return false;
    }
    inflight.put(id, InflightEntry.decode(entry).withDuplicate().encode());
    return true;
  }

  void buffered(String id, Priority lane, long arrivalMs) {
    inflight.put(id, InflightEntry.buffered(lane, arrivalMs).encode());
  }

  /** The id finished with {@code result}: it leaves the in-flight index; returns how many repeats await copies. */
  int finished(String id, long nowMs, byte[] result) {
    byte[] entry = inflight.get(id);
    inflight.delete(id);
    finished.add(id, nowMs, result);
    return entry == null ? 0 : InflightEntry.decode(entry).duplicates();
  }

  /** Forgets finished results the results store shows (or older than {@code completed.retention.ms}). */
  void forgetVisible(long nowMs) {
    finished.forget(nowMs, completedRetentionMs, id -> results.get(id) != null);
  }

  boolean holdsFinished() {
    return !finished.isEmpty();
  }

  /** A task revived after an aborted transaction starts again from its committed stores. */
  void clear() {
    finished.clear();
  }
}
