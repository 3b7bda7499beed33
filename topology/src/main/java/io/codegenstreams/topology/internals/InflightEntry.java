package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.Priority;
import java.nio.ByteBuffer;

/**
 * What the in-flight index knows of one request id: the lane and arrival time of its buffered copy (which locate
 * it in the lane's windowed store) and how many repeats of it arrived meanwhile (each gets a copy of the result).
 * The entry is deleted, in the transaction that commits the result, when the request finishes.
 */
record InflightEntry(Priority lane, long arrivalMs, int duplicates) {
  private static final byte VERSION = 2;

  static InflightEntry buffered(Priority lane, long arrivalMs) {
    return new InflightEntry(lane, arrivalMs, 0);
  }

  InflightEntry withDuplicate() {
    return new InflightEntry(lane, arrivalMs, duplicates + 1);
  }

  byte[] encode() {
    return ByteBuffer.allocate(1 + 1 + 8 + 4).put(VERSION).put((byte) lane.ordinal()).putLong(arrivalMs)
        .putInt(duplicates).array();
  }

  static InflightEntry decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte version = buffer.get();
    if (version != VERSION) {
      throw new IllegalStateException("in-flight index entry of unknown version " + version);
    }
    return new InflightEntry(Priority.values()[buffer.get()], buffer.getLong(), buffer.getInt());
  }
}
