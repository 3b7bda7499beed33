package io.codegenstreams.perf.load;

/** How a request ended, as the load generator sees it. */
public enum Outcome {
  OK, TIMEOUT, REJECTED, FAILED,
  /** Stopped by a cancel (or a request that superseded it). */
  CANCELLED,
  /** No answer by the end of the run's drain. */
  MISSING
}
