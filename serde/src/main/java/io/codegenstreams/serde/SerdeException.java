package io.codegenstreams.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Root of this module's exceptions. It is a Kafka {@link SerializationException}, so Kafka clients and Kafka Streams
 * treat every failure of these serdes as a (de)serialization failure: a Streams deserialization exception handler sees
 * it and can route the record to a dead-letter queue.
 *
 * <p>{@link #retriable()} tells a transient failure (registry unreachable, registry 5xx) from a permanent one (bad
 * bytes, unknown schema, incompatible schema). Handlers should not dead-letter records on retriable failures.
 */
public class SerdeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public SerdeException(String message) {
    super(message);
  }

  public SerdeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True when the same call may succeed later (the registry was down or overloaded); false for bad input. */
  public boolean retriable() {
    return false;
  }
}
