package io.codegenstreams.serde.internals;

import io.codegenstreams.serde.MalformedPayloadException;
import io.codegenstreams.serde.UnknownMagicByteException;
import java.nio.ByteBuffer;

/**
 * Confluent's wire format: byte 0 is the magic byte {@code 0}, bytes 1-4 the schema id (big-endian int), the rest the
 * Avro binary encoding of the datum with that schema.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0x0;
  public static final int ID_SIZE = 4;
  public static final int HEADER_SIZE = 1 + ID_SIZE;

  private WireFormat() {}

  /** True when {@code payload} starts like a Confluent-format record. */
  public static boolean looksFramed(byte[] payload) {
    return payload != null && payload.length >= HEADER_SIZE && payload[0] == MAGIC_BYTE;
  }

  /**
   * Validates the header and returns the schema id.
   *
   * @param where for messages, e.g. "value of a record in topic requests"
   */
  public static int schemaId(byte[] payload, String where) {
    if (payload.length < 1) {
      throw new MalformedPayloadException("Truncated payload: the " + where + " is empty; a Confluent-format Avro "
          + "record has at least " + HEADER_SIZE + " bytes (magic byte and 4-byte schema id)");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new UnknownMagicByteException(String.format("Unknown magic byte 0x%02x in the %s: expected 0x00, so it "
          + "was not written by a Confluent-format Avro serializer", payload[0] & 0xff, where));
    }
    if (payload.length < HEADER_SIZE) {
      throw new MalformedPayloadException("Truncated payload: the " + where + " has " + payload.length + " bytes, "
          + "fewer than the " + HEADER_SIZE + "-byte header (magic byte and 4-byte schema id)");
    }
    return ByteBuffer.wrap(payload, 1, ID_SIZE).getInt();
  }
}
