package io.codegenstreams.perf.load;

import io.codegenstreams.perf.workload.PlannedRequest;
import java.time.Instant;

/** Where a load run sends its requests: the Kafka pipeline or the engine in-process. Answers go to the tracker. */
public interface RequestSink {
  /** Directs answers to this run's tracker (a sink outlives runs). */
  void attach(ResultTracker tracker);

  /**
   * Sends one request, never blocking for its answer.
   *
   * @param createdAt the wall-clock creation time ({@code created_at})
   * @param deadline  after which the answer is useless (the request carries it)
   */
  void send(PlannedRequest request, Instant createdAt, Instant deadline);

  String name();
}
