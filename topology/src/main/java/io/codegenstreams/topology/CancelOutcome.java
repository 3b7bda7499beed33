package io.codegenstreams.topology;

/** What a cancel record (a tombstone keyed by a request id, or a supersede) did; a metric label. */
public enum CancelOutcome {
  /** The request was waiting in its lane buffer: answered CANCELLED at once. */
  BUFFERED,
  /** The request was decoding: it leaves its batch at the next step and is answered CANCELLED with its text so far. */
  RUNNING,
  /** The request already has its result: nothing changes. */
  FINISHED,
  /** No such request yet: the cancel is remembered for {@code cancel.retention.ms}. */
  EARLY,
  /** No such request yet and {@code cancel.max.remembered} cancels are remembered already: ignored. */
  DROPPED,
  /** A cancel whose key is blank: ignored. */
  INVALID,
  /** A request arrived after its cancel and was answered CANCELLED without running. */
  ANSWERED_EARLY,
  /** A request superseded an earlier id: a cancel for it was written to the requests topic. */
  SUPERSEDE_SENT
}
