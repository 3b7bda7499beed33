package io.codegenstreams.topology.internals;

import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceException;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.RejectionReason;
import io.codegenstreams.topology.CancelOutcome;
import io.codegenstreams.topology.ChunkSink;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.PipelineListener;
import io.codegenstreams.topology.PipelineTopics;
import io.codegenstreams.topology.TopologyConfig;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The heart of the pipeline, one instance per task: decode (or dead-letter), validate (or reject), answer repeats
 * from the idempotency store, buffer in a priority lane, and on a wall-clock punctuator hand buffered requests to
 * the shared engine and forward what finished. The stream thread never waits for inference.
 *
 * <p><b>Cancels.</b> A tombstone on the requests topic keyed by a request id cancels that request: it reaches this
 * task because it has the request's key. A buffered request is answered CANCELLED at once; a running one leaves its
 * batch at the engine's next decode step and is answered CANCELLED with its text so far; a finished one keeps its
 * result. A cancel whose request has not arrived yet is remembered ({@link EarlyCancels}). A request that lists
 * {@code supersedes} ids writes such a tombstone for each, in its own transaction, so the cancel reaches whichever
 * task and instance owns the old id.
 */
public final class RequestProcessor implements Processor<byte[], byte[], Object, Object> {
  private static final long HOUSEKEEPING_INTERVAL_MS = 200;
  /** A task whose last request waited longer than this in the topic is working off a backlog. */
  private static final long CAUGHT_UP_MS = 20;

  private final TopologyConfig config;
  private final PipelineTopics topics;
  private final InferenceEngine engine;
  private final ModelCatalog models;
  private final PipelineListener listener;
  private final ChunkSink chunks;

  private ProcessorContext<Object, Object> context;
  private RequestDecoder decoder;
  private RequestValidator validator;
  private Serializer<CodeGenResult> resultSerializer;
  private Deserializer<CodeGenResult> resultDeserializer;
  private final Map<Priority, LaneBuffer> lanes = new EnumMap<>(Priority.class);
  private Idempotency ids;
  private EarlyCancels earlyCancels;
  private EngineDispatcher dispatcher;
  private Ticker ticker;
  /** Results forwarded since this task last asked for a commit, and whether a request arrived since the last tick. */
  private boolean resultsUncommitted;
  private boolean requestsSinceTick;
  /** Whether the last request was processed within {@link #CAUGHT_UP_MS} of its record timestamp (no backlog). */
  private boolean caughtUp = true;
  private long lastHousekeepingMs;

  public RequestProcessor(TopologyConfig config, PipelineTopics topics, InferenceEngine engine, ModelCatalog models,
                          PipelineListener listener, ChunkSink chunks) {
    this.chunks = chunks;
    this.config = config;
    this.topics = topics;
    this.engine = engine;
    this.models = models;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.decoder = new RequestDecoder(topics.requestSerde().deserializer());
    this.validator = new RequestValidator(config, models);
    this.resultSerializer = topics.results().valueSerde().serializer();
    this.resultDeserializer = topics.results().valueSerde().deserializer();
    for (Priority lane : Priority.values()) {
      lanes.put(lane, new LaneBuffer(config.lane(lane), context.getStateStore(StoreNames.lane(lane)), models::resolve));
    }
    // a task revived after an aborted transaction starts again from its committed stores
    ids = new Idempotency(context.getStateStore(StoreNames.INFLIGHT_STORE), context.getStateStore(StoreNames.RESULTS_STORE),
        config.getLong(TopologyConfig.COMPLETED_RETENTION_MS));
    earlyCancels = new EarlyCancels(context.getStateStore(StoreNames.CANCELS_STORE),
        config.getLong(TopologyConfig.CANCEL_RETENTION_MS), config.getInt(TopologyConfig.CANCEL_MAX_REMEMBERED));
    dispatcher = new EngineDispatcher(engine);
    ticker = new Ticker(context, this::tick);
    restore();
    schedule();
  }

  /**
   * Punctuates every {@code dispatch.interval.ms} while requests are buffered or running, at the housekeeping pace
   * while only finished ids wait to be forgotten, and not at all when the task is idle.
   */
  private void schedule() {
    if (busy() || resultsUncommitted) {
      ticker.every(config.getLong(TopologyConfig.DISPATCH_INTERVAL_MS));
    } else if (ids.holdsFinished() || !earlyCancels.isEmpty()) {
      ticker.every(HOUSEKEEPING_INTERVAL_MS);
    } else {
      ticker.stop();
    }
  }

  private boolean busy() {
    if (dispatcher.running() > 0) {
      return true;
    }
    for (LaneBuffer lane : lanes.values()) {
      if (lane.buffered() > 0) {
        return true;
      }
    }
    return false;
  }

  /** After a restart or rebalance: everything buffered runs (again); finished ids are in the results store. */
  private void restore() {
    String requestsTopic = topics.requestsRaw().name();
    var deserializer = topics.requestSerde().deserializer();
    lanes.values().forEach(lane -> lane.restore(bytes -> deserializer.deserialize(requestsTopic, bytes)));
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    requestsSinceTick = true;
    caughtUp = now - record.timestamp() <= CAUGHT_UP_MS;
    RecordMetadata source = context.recordMetadata().orElseThrow();
    DecodeOutcome decoded = decoder.decode(source.topic(), record.headers(), record.key(), record.value());
    if (!decoded.ok()) {
      context.forward(DeadLetters.of(record, source, decoded.error()), StoreNames.DLQ_SINK);
      listener.onDeadLetter(decoded.error().getClass().getSimpleName());
      return;
    }
    if (decoded.cancel()) {
      cancel(decoded.key(), now);
      schedule();
      return;
    }
    CodeGenRequest request = decoded.request();
    if (request.getCreatedAt() == null || request.getCreatedAt().toEpochMilli() <= 0) {
      request.setCreatedAt(Instant.ofEpochMilli(record.timestamp())); // unset: the record timestamp stands in
    }
    Priority laneName = request.getPriority();
    Optional<RequestValidator.Problem> problem = validator.problem(decoded.key(), request, now);
    if (problem.isPresent()) {
      String answerId = request.getRequestId() == null || request.getRequestId().isBlank()
          ? decoded.key() : request.getRequestId();
      emit(laneName, Results.rejected(answerId, request, models.resolve(request.getModel()), problem.get().reason(),
          problem.get().message(), now), now);
      listener.onRejected(laneName, "invalid");
      return;
    }
    String id = request.getRequestId(); // valid: equal to the record key
    if (answerRepeat(id, laneName, now)) {
      return;
    }
    if (earlyCancels.take(id, now)) {
      emit(laneName, Results.cancelled(request, models.resolve(request.getModel()),
          "cancelled before the request arrived", now, now), now);
      listener.onCancel(CancelOutcome.ANSWERED_EARLY);
      schedule();
      return;
    }
    supersede(request, now);
    LaneBuffer lane = lanes.get(laneName);
    if (lane.full()) {
      emit(laneName, Results.rejected(id, request, models.resolve(request.getModel()), RejectionReason.OVERLOADED,
          "the " + laneName + " lane is full (" + lane.limits().maxPending() + " buffered, "
              + TopologyConfig.laneMaxPending(laneName) + "): the pipeline is overloaded, retry later", now), now);
      listener.onRejected(laneName, "overloaded");
      return;
    }
    lane.add(request, record.value(), now);
    ids.buffered(id, laneName, now);
    listener.onBuffered(laneName);
    dispatch(now);
    schedule();
  }

  /** Handles a cancel of {@code id}; see the class comment. */
  private void cancel(String id, long now) {
    if (id.isBlank()) {
      listener.onCancel(CancelOutcome.INVALID);
      return;
    }
    Priority lane = ids.laneInFlight(id);
    if (lane == null) {
      if (ids.result(id) != null) {
        listener.onCancel(CancelOutcome.FINISHED);
      } else {
        listener.onCancel(earlyCancels.remember(id, now) ? CancelOutcome.EARLY : CancelOutcome.DROPPED);
      }
      return;
    }
    if (dispatcher.cancel(id)) {
      listener.onCancel(CancelOutcome.RUNNING); // its CANCELLED completion is forwarded by finish()
      return;
    }
    Pending waiting = lanes.get(lane).takeWaiting(id);
    if (waiting == null) {
      listener.onCancel(CancelOutcome.FINISHED); // finished in the engine, result not forwarded yet: it stands
      return;
    }
    finishWithout(waiting, Results.cancelled(waiting.request(), waiting.model(),
        "cancelled while waiting in the " + waiting.lane() + " lane", waiting.arrivalMs(), now), now);
    listener.onCancel(CancelOutcome.BUFFERED);
  }

  /** Writes a cancel (a tombstone keyed by the old id) to the requests topic for every id the request replaces. */
  private void supersede(CodeGenRequest request, long now) {
    for (String old : new LinkedHashSet<>(request.getSupersedes())) {
      if (old != null && !old.isBlank() && !old.equals(request.getRequestId())) {
        context.forward(new Record<>(old, null, now), StoreNames.CANCEL_SINK);
        listener.onCancel(CancelOutcome.SUPERSEDE_SENT);
      }
    }
  }

  /** A request id seen before: attach it to the running first copy, or answer it from its stored result. */
  private boolean answerRepeat(String id, Priority lane, long now) {
    if (ids.attachRepeat(id)) {
      listener.onIdempotencyHit(true);
      return true;
    }
    byte[] stored = ids.result(id);
    if (stored == null) {
      return false;
    }
    emit(lane, Results.cached(decodeResult(stored)), now);
    listener.onIdempotencyHit(false);
    return true;
  }

  private void tick(long now) {
    finish(now);
    if (now - lastHousekeepingMs >= HOUSEKEEPING_INTERVAL_MS) {
      lastHousekeepingMs = now;
      for (LaneBuffer lane : lanes.values()) {
        lane.expire(now, p -> finishWithout(p, Results.timedOut(p.request(), p.model(), p.expiryReason(),
            p.arrivalMs(), now), now));
      }
      ids.forgetVisible(now);
      earlyCancels.expire(now);
    }
    dispatch(now);
    commitIfQuiet();
    schedule();
  }

  /**
   * Results become visible to read_committed clients only when their transaction commits, which Kafka Streams does
   * every {@code commit.interval.ms}. A task that is caught up (its last request was read at once) and got no request
   * since its last tick asks for a commit as soon as the thread is done with its current work: at light load a
   * result no longer waits for the interval. A task still receiving requests, or working off a backlog, leaves the
   * commit to the interval, so a busy pipeline keeps its transactions large.
   */
  private void commitIfQuiet() {
    if (resultsUncommitted && !requestsSinceTick) {
      if (caughtUp) {
        context.commit();
      }
      resultsUncommitted = false; // either way: a task behind leaves it to the interval, and must not keep ticking
    }
    requestsSinceTick = false;
  }

  /** Hands waiting requests to the engine, HIGH lane first, until the engine refuses more of a lane. */
  private void dispatch(long now) {
    for (LaneBuffer lane : lanes.values()) {
      for (Pending p; (p = lane.peek()) != null; ) {
        if (now >= p.expiresAtMs()) {
          lane.poll();
          finishWithout(p, Results.timedOut(p.request(), p.model(), p.expiryReason(), p.arrivalMs(), now), now);
          continue;
        }
        EngineDispatcher.Outcome outcome;
        try {
          outcome = dispatcher.submit(p, toEngine(p), streamOf(p), now);
        } catch (InferenceException | IllegalArgumentException refused) {
          lane.poll();
          finishWithout(p, Results.failed(p.request(), p.model(), "the engine refused the request: "
              + refused.getMessage(), p.arrivalMs(), now), now);
          continue;
        }
        if (outcome != EngineDispatcher.Outcome.ACCEPTED) {
          break;
        }
        lane.poll();
      }
    }
  }

  /** The chunk stream of a request that asked for one, else null (no cost for the others). */
  private ChunkStream streamOf(Pending p) {
    CodeGenRequest r = p.request();
    if (!r.getStream()) {
      return null;
    }
    // created_at is set by now: process() fills an unset one from the record timestamp, restore() from arrival
    return new ChunkStream(p.id(), p.lane(), r.getCreatedAt().toEpochMilli(), chunks, listener);
  }

  private GenerationRequest toEngine(Pending p) {
    CodeGenRequest r = p.request();
    return new GenerationRequest(p.id(), r.getPrompt(), p.model(),
        io.codegenstreams.inference.Priority.valueOf(r.getPriority().name()), r.getMaxNewTokens(), r.getTemperature(),
        r.getTopK(), r.getStop(), r.getSeed(), Instant.ofEpochMilli(p.deadlineMs()), r.getSuffix());
  }

  private void finish(long now) {
    for (EngineDispatcher.Finished f : dispatcher.drain()) {
      Pending p = f.pending();
      CodeGenResult result = f.error() != null
          ? Results.failed(p.request(), p.model(), "inference failed: " + DeadLetters.reason(f.error()), p.arrivalMs(),
              now)
          : Results.fromCompletion(p.request(), f.completion(), f.dispatchedAtMs() - p.arrivalMs(), now);
      finishWithout(p, result, now);
    }
  }

  /** Emits a buffered request's result (and one cached copy per repeat that arrived meanwhile) and unbuffers it. */
  private void finishWithout(Pending p, CodeGenResult result, long now) {
    byte[] resultBytes = emit(p.lane(), result, now);
    int repeats = ids.finished(p.id(), now, resultBytes);
    for (int i = 0; i < repeats; i++) {
      emit(p.lane(), Results.cached(result), now);
    }
    lanes.get(p.lane()).remove(p.id(), p.arrivalMs());
  }

  /** Forwards a result to the results topic and returns its wire bytes (serialized once, here). */
  private byte[] emit(Priority lane, CodeGenResult result, long now) {
    byte[] bytes = resultSerializer.serialize(topics.results().name(), result);
    context.forward(new Record<>(result.getRequestId(), bytes, now), StoreNames.RESULTS_SINK);
    resultsUncommitted = true;
    listener.onResult(lane, result);
    return bytes;
  }

  private CodeGenResult decodeResult(byte[] bytes) {
    return resultDeserializer.deserialize(topics.results().name(), bytes);
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      dispatcher.cancelAll();
    }
  }
}
