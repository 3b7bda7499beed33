package io.codegenstreams.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Checks, before the pipeline starts, that the topics as they exist keep its guarantees. The results topic is the
 * idempotency store: it must be compacted, keep results at least {@code idempotency.window.ms}, and have the
 * requests topic's partition count (a result lands on its request's partition number, where clients and the
 * results store look for it); the stream topic needs that partition count too. A topic that breaks one of these
 * stops the start with a message naming the topic setting to change.
 */
public final class TopicCheck {
  private TopicCheck() {}

  /** Thrown when an existing topic would break idempotency or the partition contract. */
  public static final class MisconfiguredTopicException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MisconfiguredTopicException(String message) {
      super(message);
    }
  }

  public static void verify(Admin admin, TopologyConfig config) {
    String requests = config.getString(TopologyConfig.REQUESTS_TOPIC);
    String results = config.getString(TopologyConfig.RESULTS_TOPIC);
    String stream = config.getString(TopologyConfig.STREAM_TOPIC);
    try {
      Map<String, TopicDescription> topics = admin.describeTopics(List.of(requests, results, stream))
          .allTopicNames().get(30, TimeUnit.SECONDS);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, results);
      Config resultsConfig = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      List<String> problems = problems(requests, results, stream, topics.get(requests).partitions().size(),
          topics.get(results).partitions().size(), topics.get(stream).partitions().size(),
          resultsConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
          Long.parseLong(resultsConfig.get(TopicConfig.RETENTION_MS_CONFIG).value()),
          config.getLong(TopologyConfig.IDEMPOTENCY_WINDOW_MS));
      if (!problems.isEmpty()) {
        throw new MisconfiguredTopicException(String.join("; ", problems));
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the topics " + List.of(requests, results, stream) + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("describing the topics took more than 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the topics", e);
    }
  }

  /** The checks themselves, on the facts read from the cluster; empty when every one holds. */
  static List<String> problems(String requests, String results, String stream, int requestPartitions,
                               int resultPartitions, int streamPartitions, String resultsCleanupPolicy,
                               long resultsRetentionMs, long idempotencyWindowMs) {
    List<String> problems = new ArrayList<>();
    if (!List.of(resultsCleanupPolicy.replace(" ", "").split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      problems.add("topic " + results + " has cleanup.policy=" + resultsCleanupPolicy + ": the results topic is the"
          + " idempotency store and must be compacted; set cleanup.policy=compact,delete on it");
    }
    if (resultPartitions != requestPartitions) {
      problems.add("topic " + results + " has " + resultPartitions + " partitions and " + requests + " has "
          + requestPartitions + ": a result must land on its request's partition; give " + results + " "
          + requestPartitions + " partitions (a new topic: results.topic names it)");
    }
    if (streamPartitions != requestPartitions) {
      problems.add("topic " + stream + " has " + streamPartitions + " partitions and " + requests + " has "
          + requestPartitions + ": a chunk must land on its request's partition; give " + stream + " "
          + requestPartitions + " partitions (stream.topic names it)");
    }
    if (resultsRetentionMs >= 0 && resultsRetentionMs < idempotencyWindowMs) {
      problems.add("topic " + results + " keeps results for retention.ms=" + resultsRetentionMs + ", less than "
          + TopologyConfig.IDEMPOTENCY_WINDOW_MS + "=" + idempotencyWindowMs + ": a repeat after that would run the"
          + " model again; raise retention.ms on " + results + " or lower " + TopologyConfig.IDEMPOTENCY_WINDOW_MS);
    }
    return problems;
  }
}
