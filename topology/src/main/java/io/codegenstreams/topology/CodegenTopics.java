package io.codegenstreams.topology;

import io.codegenstreams.embedded.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The topics of the pipeline. The results topic is compacted (the latest result per request id is the idempotency
 * store) and also deleted past the idempotency window, so the store does not grow without end.
 */
public final class CodegenTopics {
  public static final String REQUESTS = "codegen.requests";
  public static final String RESULTS = "codegen.results";
  public static final String REQUESTS_DLQ = "codegen.requests.dlq";
  public static final String STREAM = "codegen.results.stream";
  /** Chunks are for clients reading while a request runs: an hour is plenty. */
  public static final Duration STREAM_RETENTION = Duration.ofHours(1);
  public static final int DEFAULT_PARTITIONS = 12;
  public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);

  private CodegenTopics() {}

  /**
   * Requests, results and chunks share the partition count so a request, its chunks and its result land on the same
   * partition number (all are keyed by request id with the default partitioner).
   */
  public static List<TopicSpec> specs(TopologyConfig config, int partitions, Duration idempotencyWindow) {
    return List.of(
        new TopicSpec(config.getString(TopologyConfig.REQUESTS_TOPIC), partitions, Map.of()),
        new TopicSpec(config.getString(TopologyConfig.RESULTS_TOPIC), partitions, Map.of(
            "cleanup.policy", "compact,delete",
            "retention.ms", Long.toString(idempotencyWindow.toMillis()),
            "min.compaction.lag.ms", "0")),
        new TopicSpec(config.getString(TopologyConfig.STREAM_TOPIC), partitions, Map.of(
            "retention.ms", Long.toString(STREAM_RETENTION.toMillis()))),
        new TopicSpec(config.getString(TopologyConfig.DLQ_TOPIC), 1, Map.of("retention.ms", Long.toString(Duration.ofDays(7).toMillis()))));
  }
}
