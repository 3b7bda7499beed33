package io.codegenstreams.topology;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;

/**
 * Observability hooks of the topology, called on stream threads: implementations must be cheap and must not block.
 * The metrics module turns them into Prometheus series; {@link PipelineCounters} keeps plain counts.
 */
public interface PipelineListener {
  /** A record could not be decoded and went to the dead-letter topic. */
  default void onDeadLetter(String reason) {}

  /** A decodable request was refused without inference. {@code reason} is a short category (invalid, overloaded). */
  default void onRejected(Priority lane, String category) {}

  /** A request entered a lane buffer. */
  default void onBuffered(Priority lane) {}

  /** A repeated request id was answered from the idempotency store or attached to the running first copy. */
  default void onIdempotencyHit(boolean whileInFlight) {}

  /** A cancel record was handled (or a supersede sent one); see {@link CancelOutcome}. */
  default void onCancel(CancelOutcome outcome) {}

  /**
   * A streaming request's first chunk (with at least one token) was handed to the stream topic's producer,
   * {@code millis} after the request's created_at. Called on the engine's post-processing pool.
   */
  default void onFirstChunk(Priority lane, long millis) {}

  /** A result was forwarded to the results topic (within the task's transaction). */
  default void onResult(Priority lane, CodeGenResult result) {}

  /**
   * A Kafka Streams error handler decided to skip a record instead of failing the task ({@code handler} is
   * {@code processing} or {@code production}); the record went to the dead-letter topic where its bytes allow.
   */
  default void onSkipped(String handler, String reason) {}

  /**
   * A state store finished restoring from its changelog after a start or a rebalance: {@code records} is how many
   * changelog records it replayed (0 when its local copy was current). Called on Kafka Streams' restoring thread.
   */
  default void onRestored(String store, int partition, long records) {}

  PipelineListener NONE = new PipelineListener() {};
}
