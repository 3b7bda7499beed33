package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.Priority;
import java.nio.ByteBuffer;

/**
 * What the in-flight index knows of one request id: the lane and arrival time of its buffered copy (which locate
 * it in the lane's windowed store) and how many repeats of it arrived meanwhile. The entry is deleted when the
 * request finishes; DONE entries (with the result's wire bytes) were written by earlier versions and are still read.
 */
record InflightEntry(State state, Priority lane, long arrivalMs, int duplicates, long doneAtMs, byte[] result) {

  enum State { BUFFERED, DONE }

  private static final byte VERSION = 1;

  static InflightEntry buffered(Priority lane, long arrivalMs) {
    return new InflightEntry(State.BUFFERED, lane, arrivalMs, 0, 0L, null);
  }

  InflightEntry withDuplicate() {
    return new InflightEntry(state, lane, arrivalMs, duplicates + 1, doneAtMs, result);
  }

  byte[] encode() {
    int resultLength = result == null ? 0 : result.length;
    ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 1 + 8 + 4 + 8 + 4 + resultLength);
    buffer.put(VERSION).put((byte) state.ordinal()).put((byte) lane.ordinal())
        .putLong(arrivalMs).putInt(duplicates).putLong(doneAtMs).putInt(resultLength);
    if (result != null) {
      buffer.put(result);
    }
    return buffer.array();
  }

  static InflightEntry decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte version = buffer.get();
    if (version != VERSION) {
      throw new IllegalStateException("in-flight index entry of unknown version " + version);
    }
    State state = State.values()[buffer.get()];
    Priority lane = Priority.values()[buffer.get()];
    long arrival = buffer.getLong();
    int duplicates = buffer.getInt();
    long doneAt = buffer.getLong();
    int length = buffer.getInt();
    byte[] result = null;
    if (length > 0) {
      result = new byte[length];
      buffer.get(result);
    }
    return new InflightEntry(state, lane, arrival, duplicates, doneAt, result);
  }
}
