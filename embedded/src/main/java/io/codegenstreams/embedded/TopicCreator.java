package io.codegenstreams.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics idempotently: missing ones are created, existing ones are left as they are. Replication follows
 * the cluster's default ({@code Optional.empty()}), so the same specs work on one embedded node and on a real cluster.
 */
public final class TopicCreator {
  private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

  private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);
  private static final long RETRY_BACKOFF_MS = 50;

  private TopicCreator() {}

  /**
   * Creates the missing topics and returns once the broker the admin client asks can describe each one it created,
   * so on a single broker (the embedded one) a caller may use a topic (describe, produce, assign) right away.
   *
   * @return the names of the topics this call created (empty when all existed)
   */
  public static List<String> ensure(Admin admin, Collection<TopicSpec> specs) {
    List<String> created = new ArrayList<>();
    for (TopicSpec spec : specs) {
      NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty()).configs(spec.configs());
      try {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        created.add(spec.name());
        describe(admin, spec.name());
        log.info("created topic {} ({} partitions, {})", spec.name(), spec.partitions(), spec.configs());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new EmbeddedRuntimeException("Cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new EmbeddedRuntimeException("Timed out creating topic " + spec.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedRuntimeException("Interrupted creating topic " + spec.name(), e);
      }
    }
    return created;
  }

  /**
   * Describes a topic, waiting until the broker the admin client asks knows it. A topic just created is known to the
   * controller before every broker's metadata cache has it, so a describe straight after a create can answer
   * {@link UnknownTopicOrPartitionException}; that answer is retried for up to {@link #VISIBLE_TIMEOUT} in all.
   */
  public static TopicDescription describe(Admin admin, String name) {
    long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
    try {
      while (true) {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
          return admin.describeTopics(List.of(name)).allTopicNames().get(remainingMs, TimeUnit.MILLISECONDS).get(name);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw new EmbeddedRuntimeException("Cannot describe topic " + name + ": " + e.getCause(), e.getCause());
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new EmbeddedRuntimeException("Topic " + name + " is still unknown to the broker "
              + VISIBLE_TIMEOUT.toSeconds() + " s after it was created");
        }
        Thread.sleep(RETRY_BACKOFF_MS);
      }
    } catch (TimeoutException e) {
      throw new EmbeddedRuntimeException("Timed out after " + VISIBLE_TIMEOUT.toSeconds() + " s describing topic "
          + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedRuntimeException("Interrupted describing topic " + name, e);
    }
  }

  public static List<String> ensure(Map<String, Object> adminConfig, Collection<TopicSpec> specs) {
    try (Admin admin = Admin.create(adminConfig)) {
      return ensure(admin, specs);
    }
  }
}
