package io.codegenstreams.topology;

import io.codegenstreams.schemas.Priority;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the streaming topology, in Kafka {@link ConfigDef} style: every key has a constant, a type, a default,
 * a validator and a doc string. The README's configuration table is generated from {@link #CONFIG}
 * ({@link ReadmeSections}).
 */
public final class TopologyConfig extends AbstractConfig {

  public static final String APPLICATION_ID = "application.id";
  public static final String STATIC_MEMBERSHIP = "static.membership";
  public static final String REQUESTS_TOPIC = "requests.topic";
  public static final String RESULTS_TOPIC = "results.topic";
  public static final String DLQ_TOPIC = "dlq.topic";
  public static final String STREAM_TOPIC = "stream.topic";
  public static final String PROMPT_MAX_BYTES = "prompt.max.bytes";
  public static final String MAX_NEW_TOKENS_MAX = "max.new.tokens.max";
  public static final String DISPATCH_INTERVAL_MS = "dispatch.interval.ms";
  public static final String BUFFER_RETENTION_MS = "buffer.retention.ms";
  public static final String COMPLETED_RETENTION_MS = "completed.retention.ms";
  public static final String IDEMPOTENCY_WINDOW_MS = "idempotency.window.ms";
  public static final String STREAM_THREADS = "stream.threads";
  public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";
  public static final String CANCEL_RETENTION_MS = "cancel.retention.ms";
  public static final String CANCEL_MAX_REMEMBERED = "cancel.max.remembered";

  private static final String LANE_MAX_PENDING = "lane.%s.max.pending";
  private static final String LANE_MAX_WAIT_MS = "lane.%s.max.wait.ms";
  private static final String LANE_DEADLINE_MS = "lane.%s.deadline.ms";

  public static final ConfigDef CONFIG = define();

  public TopologyConfig(Map<String, ?> props) {
    super(CONFIG, props, false);
  }

  public static TopologyConfig defaults() {
    return new TopologyConfig(Map.of());
  }

  /** {@code lane.<lane>.max.pending}: requests a lane may buffer before new ones are REJECTED as overloaded. */
  public static String laneMaxPending(Priority lane) {
    return String.format(LANE_MAX_PENDING, lane.name().toLowerCase(Locale.ROOT));
  }

  /** {@code lane.<lane>.max.wait.ms}: longest a request may wait in its lane's buffer before it is dispatched. */
  public static String laneMaxWaitMs(Priority lane) {
    return String.format(LANE_MAX_WAIT_MS, lane.name().toLowerCase(Locale.ROOT));
  }

  /** {@code lane.<lane>.deadline.ms}: the deadline given to requests that carry none. */
  public static String laneDeadlineMs(Priority lane) {
    return String.format(LANE_DEADLINE_MS, lane.name().toLowerCase(Locale.ROOT));
  }

  public LaneLimits lane(Priority lane) {
    return new LaneLimits(lane, getInt(laneMaxPending(lane)), getLong(laneMaxWaitMs(lane)), getLong(laneDeadlineMs(lane)));
  }

  private static ConfigDef define() {
    ConfigDef def = new ConfigDef()
        .define(APPLICATION_ID, Type.STRING, "codegen-streams", new ConfigDef.NonEmptyString(), Importance.HIGH,
            "Kafka Streams application id: the consumer group of the pipeline and the prefix of its internal topics.")
        .define(STATIC_MEMBERSHIP, Type.BOOLEAN, true, Importance.MEDIUM,
            "Stream threads join the group as static members (group.instance.id = <application.id>-<an id kept in"
                + " the state directory>-<thread>): an instance restarted after a crash takes its partitions back at"
                + " once instead of after the dead members' session.timeout.ms (45 s by default). A group.instance.id"
                + " in the client settings is used instead; false joins as dynamic members.")
        .define(REQUESTS_TOPIC, Type.STRING, CodegenTopics.REQUESTS, new ConfigDef.NonEmptyString(), Importance.HIGH,
            "Topic clients produce CodeGenRequest records to, keyed by request_id.")
        .define(RESULTS_TOPIC, Type.STRING, CodegenTopics.RESULTS, new ConfigDef.NonEmptyString(), Importance.HIGH,
            "Compacted topic of CodeGenResult records keyed by request_id; also the idempotency store. Must have as many partitions as the requests topic.")
        .define(DLQ_TOPIC, Type.STRING, CodegenTopics.REQUESTS_DLQ, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
            "Dead-letter topic for request records that cannot be decoded; they keep their bytes and get headers naming the error.")
        .define(STREAM_TOPIC, Type.STRING, CodegenTopics.STREAM, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
            "Topic of CodeGenChunk records (partial text of requests with stream=true), keyed by request_id, with as"
                + " many partitions as the requests topic and a short retention. Written at least once.")
        .define(PROMPT_MAX_BYTES, Type.INT, 8192, Range.between(1, 1 << 20), Importance.MEDIUM,
            "Largest prompt accepted, in UTF-8 bytes; larger ones are REJECTED.")
        .define(MAX_NEW_TOKENS_MAX, Type.INT, 256, Range.between(1, 1 << 16), Importance.MEDIUM,
            "Largest max_new_tokens accepted; requests outside 1..this are REJECTED.")
        .define(DISPATCH_INTERVAL_MS, Type.LONG, 5L, Range.between(1, 10_000), Importance.LOW,
            "How often (wall-clock) each task moves buffered requests to the engine and forwards finished results.")
        .define(BUFFER_RETENTION_MS, Type.LONG, 3_600_000L, Range.atLeast(60_000), Importance.LOW,
            "Retention of the lanes' windowed RocksDB buffers: entries abandoned longer than this expire. Must exceed every lane's max wait.")
        .define(COMPLETED_RETENTION_MS, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.LOW,
            "How long a finished request's result is kept in memory to answer repeats until it is visible in the results store.")
        .define(STREAM_THREADS, Type.INT, 12, Range.between(1, 256), Importance.MEDIUM,
            "Kafka Streams stream threads of this instance (its num.stream.threads). Tasks (one per requests partition)"
                + " are spread over them, and under exactly-once each thread commits its own transactions, blocking its"
                + " tasks meanwhile: with one thread per task (the default, for the default 12 partitions on one"
                + " instance) a slow commit holds up one partition, not a quarter of them; on 2 cores 12 threads"
                + " answered 2.3x the requests/s of 4 and cut the pipeline's P99 tail. More threads than requests"
                + " partitions stay idle; with several instances, partitions / instances is enough.")
        .define(STARTUP_TIMEOUT_MS, Type.LONG, 300_000L, Range.atLeast(1_000), Importance.MEDIUM,
            "How long start-up waits for the default model to be loaded and warm before the process gives up (and then"
                + " how long it waits for Kafka Streams to reach RUNNING before it warns). A first TensorRT engine"
                + " build of a large model can take longer than the default: raise it there, and keep the Kubernetes"
                + " startup probe's window (periodSeconds x failureThreshold) longer than this.")
        .define(CANCEL_RETENTION_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.LOW,
            "How long a cancel whose request has not arrived yet is remembered; the request is answered CANCELLED"
                + " without running when it arrives within this time. Cancels of ids never seen are forgotten after it.")
        .define(CANCEL_MAX_REMEMBERED, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
            "Cancels of not-yet-arrived requests a task remembers at most; beyond it further early cancels are"
                + " ignored and counted (code_gen_cancels_total{outcome=\"dropped\"}).")
        .define(IDEMPOTENCY_WINDOW_MS, Type.LONG, 86_400_000L, Range.atLeast(60_000), Importance.MEDIUM,
            "How long a result answers repeats of its request id. Entries older than this leave the local results store;"
                + " keep it equal to the results topic's retention.ms (codegen run creates the topic with it).");
    long[][] lanes = {{1_000, 10_000, 30_000}, {5_000, 30_000, 60_000}, {10_000, 120_000, 300_000}};
    for (Priority lane : Priority.values()) {
      long[] d = lanes[lane.ordinal()];
      String name = lane.name();
      def.define(laneMaxPending(lane), Type.INT, (int) d[0], Range.atLeast(1), Importance.MEDIUM,
              "Requests the " + name + " lane may buffer (per task); beyond it new ones are REJECTED as overloaded.")
          .define(laneMaxWaitMs(lane), Type.LONG, d[1], Range.atLeast(1), Importance.MEDIUM,
              "Longest a " + name + " request may wait in its lane before it reaches the engine; past it the request is answered TIMEOUT.")
          .define(laneDeadlineMs(lane), Type.LONG, d[2], Range.atLeast(1), Importance.MEDIUM,
              "Deadline given to " + name + " requests that carry none, counted from their arrival.");
    }
    return def;
  }

  /** One lane's limits. */
  public record LaneLimits(Priority lane, int maxPending, long maxWaitMs, long defaultDeadlineMs) {}
}
