package io.codegenstreams.topology.metrics;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.topology.CancelOutcome;
import io.codegenstreams.topology.PipelineListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * The topology's side of the metrics, fed by {@link PipelineListener} callbacks on the stream threads.
 *
 * <p>Every result the topology forwards is observed once in {@value #LATENCY}, so the histogram's count is the
 * number of results produced. Under exactly-once, a result is observed when it is forwarded inside the task's
 * transaction: if that transaction aborts (a crash, a fenced producer, a rebalance that revokes the task) and the
 * task re-runs, the re-run's results are observed again, so counts may exceed the committed results by what the
 * aborted transactions held. That is rare and visible; the help texts say so.
 *
 * <p>Label values are bounded: {@code model_type} is one of the declared models or {@code unknown} (a client can
 * ask for any model name, which must not become a series), {@code lane} and {@code status} are enums.
 */
public final class PipelineMetrics implements PipelineListener {
  public static final String LATENCY = "code_gen_latency_seconds";
  public static final String QUEUE_WAIT = "code_gen_queue_wait_seconds";
  public static final String INFERENCE_TIME = "code_gen_inference_seconds";
  public static final String IDEMPOTENCY_HITS = "code_gen_idempotency_hits_total";
  public static final String REJECTED = "code_gen_rejected_requests_total";
  public static final String BUFFERED = "code_gen_buffered_requests_total";
  public static final String DEAD_LETTERS = "code_gen_dead_letter_records_total";
  public static final String SKIPPED = "code_gen_skipped_records_total";
  public static final String CANCELS = "code_gen_cancels_total";
  public static final String TIME_TO_FIRST_TOKEN = "code_gen_time_to_first_token_seconds";
  public static final String INTER_TOKEN = "code_gen_inter_token_seconds";

  static final String UNKNOWN_MODEL = "unknown";
  private static final String EXACTLY_ONCE_NOTE =
      " Observed when the result is forwarded: a transaction that aborts and re-runs is counted again.";
  /** Seconds, from 5 ms to 5 min: interactive completions to the LOW lane's deadline. */
  static final double[] SECONDS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
  /** Seconds between tokens, from 0.5 ms (a small CPU model) to 1 s (an overloaded GPU). */
  static final double[] TOKEN_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};

  private final Set<String> models;
  private final Histogram latency;
  private final Histogram queueWait;
  private final Histogram inferenceTime;
  private final Counter idempotencyHits;
  private final Counter rejected;
  private final Counter buffered;
  private final Counter deadLetters;
  private final Counter skipped;
  private final Counter cancels;
  private final Histogram timeToFirstToken;
  private final Histogram interToken;

  /** @param models the declared model names; any other name is reported as {@code unknown} */
  public PipelineMetrics(PrometheusRegistry registry, Set<String> models) {
    this.models = Set.copyOf(models);
    latency = Histogram.builder().name(LATENCY)
        .help("End-to-end latency from the request's created_at to its result, one observation per result produced"
            + " (cached answers and REJECTED included)." + EXACTLY_ONCE_NOTE)
        .labelNames("model_type", "lane", "status").classicUpperBounds(SECONDS_BUCKETS).classicOnly()
        .register(registry);
    queueWait = Histogram.builder().name(QUEUE_WAIT)
        .help("Time a request that ran waited (lane buffer and engine queue) before its first decode step."
            + EXACTLY_ONCE_NOTE)
        .labelNames("model_type", "lane").classicUpperBounds(SECONDS_BUCKETS).classicOnly().register(registry);
    inferenceTime = Histogram.builder().name(INFERENCE_TIME)
        .help("Time from a request's first decode step to its last, for requests that ran." + EXACTLY_ONCE_NOTE)
        .labelNames("model_type", "lane").classicUpperBounds(SECONDS_BUCKETS).classicOnly().register(registry);
    idempotencyHits = Counter.builder().name(IDEMPOTENCY_HITS)
        .help("Repeated request ids answered without running the model: from the stored result (stored) or by"
            + " attaching to the running first copy (in_flight).")
        .labelNames("source").register(registry);
    rejected = Counter.builder().name(REJECTED)
        .help("Requests answered REJECTED by the topology, by lane and reason (invalid, overloaded).")
        .labelNames("lane", "reason").register(registry);
    buffered = Counter.builder().name(BUFFERED)
        .help("Requests that entered a lane buffer (accepted for inference).").labelNames("lane").register(registry);
    deadLetters = Counter.builder().name(DEAD_LETTERS)
        .help("Request records that could not be decoded and went to the dead-letter topic, by error type.")
        .labelNames("reason").register(registry);
    skipped = Counter.builder().name(SKIPPED)
        .help("Records a Kafka Streams error handler skipped instead of failing the task (handler: processing or"
            + " production), by error type.")
        .labelNames("handler", "reason").register(registry);
    timeToFirstToken = Histogram.builder().name(TIME_TO_FIRST_TOKEN)
        .help("Streaming requests: time from the request's created_at to its first chunk (one token or more) being"
            + " handed to the stream topic's producer.")
        .labelNames("lane").classicUpperBounds(SECONDS_BUCKETS).classicOnly().register(registry);
    interToken = Histogram.builder().name(INTER_TOKEN)
        .help("Mean time between a request's generated tokens (its inference time / (tokens - 1)), one observation"
            + " per request that ran and generated two tokens or more." + EXACTLY_ONCE_NOTE)
        .labelNames("lane").classicUpperBounds(TOKEN_BUCKETS).classicOnly().register(registry);
    cancels = Counter.builder().name(CANCELS)
        .help("Cancel records handled, by outcome: buffered, running (the request was stopped), finished (it had its"
            + " result already), early (remembered until its request arrives), answered_early, dropped (over"
            + " cancel.max.remembered), invalid, supersede_sent (a request superseded an earlier id).")
        .labelNames("outcome").register(registry);
    for (CancelOutcome o : CancelOutcome.values()) {
      cancels.labelValues(LabelValues.status(o)).inc(0);
    }
    // bounded label sets start at 0, so that rate() and the alerts see the series before the first event
    for (Priority lane : Priority.values()) {
      buffered.labelValues(LabelValues.lane(lane)).inc(0);
      rejected.labelValues(LabelValues.lane(lane), "invalid").inc(0);
      rejected.labelValues(LabelValues.lane(lane), "overloaded").inc(0);
    }
    idempotencyHits.labelValues("stored").inc(0);
    idempotencyHits.labelValues("in_flight").inc(0);
  }

  @Override
  public void onResult(Priority lane, CodeGenResult result) {
    String model = model(result.getModel());
    String laneName = LabelValues.lane(lane);
    latency.labelValues(model, laneName, LabelValues.status(result.getStatus()))
        .observe(LabelValues.seconds(result.getEndToEndMs()));
    if (!result.getCached() && result.getBatchSize() > 0) {
      queueWait.labelValues(model, laneName).observe(LabelValues.seconds(result.getQueueTimeMs()));
      inferenceTime.labelValues(model, laneName).observe(LabelValues.seconds(result.getInferenceTimeMs()));
      if (result.getCompletionTokens() >= 2) {
        interToken.labelValues(laneName)
            .observe(LabelValues.seconds(result.getInferenceTimeMs()) / (result.getCompletionTokens() - 1));
      }
    }
  }

  @Override
  public void onFirstChunk(Priority lane, long millis) {
    timeToFirstToken.labelValues(LabelValues.lane(lane)).observe(LabelValues.seconds(millis));
  }

  @Override
  public void onIdempotencyHit(boolean whileInFlight) {
    idempotencyHits.labelValues(whileInFlight ? "in_flight" : "stored").inc();
  }

  @Override
  public void onRejected(Priority lane, String category) {
    rejected.labelValues(LabelValues.lane(lane), category).inc();
  }

  @Override
  public void onCancel(CancelOutcome outcome) {
    cancels.labelValues(LabelValues.status(outcome)).inc();
  }

  @Override
  public void onBuffered(Priority lane) {
    buffered.labelValues(LabelValues.lane(lane)).inc();
  }

  @Override
  public void onDeadLetter(String reason) {
    deadLetters.labelValues(reason).inc();
  }

  @Override
  public void onSkipped(String handler, String reason) {
    skipped.labelValues(handler, reason).inc();
  }

  private String model(String name) {
    return name != null && models.contains(name) ? name : UNKNOWN_MODEL;
  }
}
