package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineOverloadedException;
import io.codegenstreams.inference.FinishReason;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.inference.internals.engine.Counters;
import io.codegenstreams.inference.internals.engine.Listeners;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.ModelInfo;
import io.codegenstreams.inference.spi.TextCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The one scheduler of one model: bounded priority lanes in front of a single decode thread that runs the batch.
 *
 * <p><b>Continuous batching</b> (default): before a decode step, waiting requests are admitted into the
 * running batch (best effective priority first, see {@link LaneQueues}) while the batch is under its cap
 * ({@link AdaptiveBatchPolicy}) and the reserved KV bytes stay under {@code kv.budget.bytes}; a sequence leaves
 * the batch as soon as it finishes. Joiners are admitted in groups ({@link AdaptiveBatchPolicy#admitJoiners}):
 * when the batch is empty, a HIGH request waits, a quarter of the cap is free, or the oldest has waited
 * {@code batch.max.wait.ms}; so their prefill runs once every few steps for several of them. A HIGH request that
 * finds the batch full (or the KV budget spent) preempts the most recently admitted non-HIGH sequence, which goes
 * back to the head of its lane with its tokens kept (and its KV cache parked by the backend, so it is not prefilled
 * again when readmitted): so a HIGH request waits at most one decode step once queued.
 *
 * <p><b>HIGH isolation</b> ({@code priority.high.isolation}, on by default), under a LOW flood (a full batch of LOW
 * waiting, or, where rows are measured costly, mostly LOW arriving; see {@link #isolating}): when a HIGH run starts,
 * running LOW rows pause (preempted, their KV cache parked); while a HIGH-lane sequence runs or waits, LOW-lane
 * requests join at most once per {@code priority.aging.ms}, however long they have waited; NORMAL joins as usual.
 *
 * <p><b>Static batching</b> (baseline): a batch is admitted only when the previous one has completely finished,
 * after waiting for the cap or the adaptive wait; nothing joins a running batch.
 *
 * <p><b>Deadlines.</b> A waiting request whose deadline passes completes with TIMEOUT without running; a running
 * one completes with TIMEOUT (and its partial text) after the step during which its deadline passed.
 */
public final class ModelScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ModelScheduler.class);
    private static final double LOW_SHARE_ALPHA = 1.0 / 32;
    private static final String CANCELLED = "cancelled";

    private final String model;
    private final LongSupplier clock;
    private final boolean staticMode;
    private final long kvBudget;
    private final long stepTimeoutMillis;
    private final int streamChunkTokens;
    private final boolean highIsolation;
    private final double isolationRowCost;
    private final RowCost rowCost = new RowCost();
    /** Share of LOW among recent arrivals (exponentially weighted over about {@code 1 / LOW_SHARE_ALPHA} of them). */
    private double lowShare;
    private final Finisher finisher;
    private final Listeners listeners;
    private final Counters counters;
    private final ScheduledExecutorService watchdog;
    private final AdaptiveBatchPolicy policy;
    private final LaneQueues queues;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Sequence> active = new ArrayList<>();

    private volatile ModelInfo info;
    private volatile TextCodec codec;
    private volatile String version;
    /** Longest {@link #close()} waits for a running decode step. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private volatile boolean closed;
    private volatile int inFlight;
    private volatile long kvInFlight;
    private long admissions;
    private long lastLowJoinNanos;
    private long highRunStartNanos;
    private Thread thread;
    private BatchSession session;
    private StepRunner runner;

    public ModelScheduler(String model, EngineConfig config, Finisher finisher, Listeners listeners, Counters counters,
                          ScheduledExecutorService watchdog) {
        this(model, config, finisher, listeners, counters, watchdog, System::nanoTime);
    }

    /** @param clock the scheduler's time in nanoseconds (aging, waits, deadlines, step times); tests drive it */
    public ModelScheduler(String model, EngineConfig config, Finisher finisher, Listeners listeners, Counters counters,
                          ScheduledExecutorService watchdog, LongSupplier clock) {
        this.clock = clock;
        this.model = model;
        this.staticMode = config.isStaticBatching();
        this.kvBudget = config.getLong(EngineConfig.KV_BUDGET_BYTES);
        this.stepTimeoutMillis = config.getLong(EngineConfig.STEP_TIMEOUT_MS);
        this.streamChunkTokens = config.getInt(EngineConfig.STREAM_CHUNK_TOKENS);
        this.highIsolation = config.getBoolean(EngineConfig.PRIORITY_HIGH_ISOLATION);
        this.isolationRowCost = config.getInt(EngineConfig.PRIORITY_HIGH_ISOLATION_ROW_COST_PCT) / 100.0;
        this.finisher = finisher;
        this.listeners = listeners;
        this.counters = counters;
        this.watchdog = watchdog;
        this.policy = new AdaptiveBatchPolicy(config.getBoolean(EngineConfig.BATCHING_ADAPTIVE),
                config.getInt(EngineConfig.BATCH_MAX_SIZE), config.getLong(EngineConfig.LATENCY_TARGET_MS),
                config.getLong(EngineConfig.BATCH_MAX_WAIT_MS));
        this.queues = new LaneQueues(config.getInt(EngineConfig.QUEUE_CAPACITY_HIGH),
                config.getInt(EngineConfig.QUEUE_CAPACITY_NORMAL), config.getInt(EngineConfig.QUEUE_CAPACITY_LOW),
                config.getLong(EngineConfig.PRIORITY_AGING_MS));
        // no LOW join and no HIGH run within an aging period yet: nothing is held back at start
        this.lastLowJoinNanos = clock.getAsLong() - queues.agingNanos();
        this.highRunStartNanos = lastLowJoinNanos;
    }

    public String model() {
        return model;
    }

    /** Reserves a place in the request's lane, or throws {@link EngineOverloadedException} at once. */
    public void reserve(Priority p) {
        lock.lock();
        try {
            if (closed) {
                throw new EngineOverloadedException(EngineOverloadedException.Reason.MODEL_UNLOADING,
                        "model " + model + " is being unloaded; retry");
            }
            if (!queues.tryReserve(p)) {
                throw new EngineOverloadedException(EngineOverloadedException.Reason.QUEUE_FULL, "queue of lane " + p
                        + " for model " + model + " is full (queue.capacity." + p.name().toLowerCase(Locale.ROOT) + ")");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases a reservation whose request could not be prepared. */
    public void release(Priority p) {
        lock.lock();
        try {
            queues.release(p);
        } finally {
            lock.unlock();
        }
    }

    /** Tokenizes {@code s} now if the model is loaded (any thread, before {@link #enqueue}); else admission will. */
    public void prepare(Sequence s) {
        ModelInfo i = info;
        TextCodec c = codec;
        if (i != null && c != null) {
            s.prepare(i, c);
        }
    }

    /** Queues a tokenized sequence whose place was reserved. */
    public void enqueue(Sequence s) {
        lock.lock();
        try {
            if (closed || s.cancelRequested) {
                queues.release(s.priority());
                finisher.finish(s, closed ? CompletionStatus.FAILED : CompletionStatus.CANCELLED, null,
                        closed ? "engine closed" : CANCELLED, 0, version, clock.getAsLong());
                return;
            }
            queues.add(s);
            lowShare += LOW_SHARE_ALPHA * ((s.priority() == Priority.LOW ? 1 : 0) - lowShare);
            policy.onArrival(clock.getAsLong());
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels {@code s} from any thread. Waiting (or preempted), it completes CANCELLED now; not queued yet, when it
     * is; running, the decode thread takes it out of the batch before its next step ({@link #dropCancelled}).
     */
    public void cancel(Sequence s) {
        s.cancelRequested = true;
        boolean wasWaiting;
        lock.lock();
        try {
            wasWaiting = queues.remove(s);
            work.signal();
        } finally {
            lock.unlock();
        }
        if (wasWaiting) {
            finisher.finish(s, CompletionStatus.CANCELLED, null, CANCELLED, 0, version, clock.getAsLong());
        }
    }

    /** Starts decoding with a loaded (and warmed-up) backend. */
    public void start(DecoderBackend backend) {
        lock.lock();
        try {
            this.codec = backend.codec();
            this.info = backend.info();
            this.version = info.version();
            this.session = backend.openSession();
            this.runner = new StepRunner(session, watchdog, stepTimeoutMillis, listeners, model);
            thread = new Thread(this::loop, "codegen-decode-" + model);
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /** The model failed to load: every waiting request completes FAILED with the reason; the scheduler closes. */
    public void failAll(String reason) {
        List<Sequence> waiting;
        lock.lock();
        try {
            closed = true;
            waiting = queues.drain();
            waiting.addAll(active);
            active.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        long now = clock.getAsLong();
        waiting.forEach(s -> finisher.finish(s, CompletionStatus.FAILED, null, reason, 0, version, now));
    }

    /**
     * Closes the scheduler if it is idle (for eviction), atomically with respect to new reservations.
     *
     * @return true if it was idle and is now closed
     */
    public boolean closeIfIdle() {
        lock.lock();
        try {
            if (!active.isEmpty() || inFlight > 0
                    || queues.size(Priority.HIGH) + queues.size(Priority.NORMAL) + queues.size(Priority.LOW) > 0) {
                return false;
            }
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        joinThread();
        return true;
    }

    /** Stops the scheduler; waiting and running requests complete FAILED. */
    public void close() {
        failAll("engine closed");
        joinThread();
    }

    /**
     * Waits for the decode thread to finish its step, then closes the session. A thread still inside a step after
     * {@link #STOP_TIMEOUT} keeps its session: freeing native memory under a running step would crash the process.
     */
    private void joinThread() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!stopped()) {
            LOG.warn("decode thread of model {} still runs a step {} after close; its session stays open", model,
                    STOP_TIMEOUT);
            return;
        }
        if (session != null) {
            session.close();
        }
    }

    /** True once the decode thread has ended (or never started): the backend's native objects are free to close. */
    public boolean stopped() {
        Thread t = thread;
        return t == null || t == Thread.currentThread() || !t.isAlive();
    }

    public Map<Priority, Integer> queueDepth() {
        lock.lock();
        try {
            Map<Priority, Integer> m = new EnumMap<>(Priority.class);
            for (Priority p : Priority.values()) {
                m.put(p, queues.depth(p));
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        return inFlight;
    }

    public long kvInFlight() {
        return kvInFlight;
    }

    public int batchCap() {
        return policy.cap();
    }

    // ------------------------------------------------------------------ decode thread

    private void loop() {
        try {
            while (true) {
                List<Sequence> expired;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    long now = clock.getAsLong();
                    expired = queues.removeExpired(now);
                    expired.addAll(dropCancelled());
                    boolean admitted = admit(now); // also when rows just left: their slots are taken at once
                    if (expired.isEmpty() && !admitted && active.isEmpty()) {
                        work.awaitNanos(idleWait(now));
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                long now = clock.getAsLong();
                for (Sequence s : expired) {
                    if (s.cancelRequested) {
                        finisher.finish(s, CompletionStatus.CANCELLED, null, CANCELLED, 0, version, now);
                    } else {
                        finisher.finish(s, CompletionStatus.TIMEOUT, null, "deadline passed while waiting", 0, version,
                                now);
                    }
                }
                if (!active.isEmpty()) {
                    step();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("decode thread of model {} died", model, e);
            failAll("decode thread died: " + e);
        }
    }

    /** Takes cancelled sequences out of the batch, freeing their slots and KV reservations. Caller holds the lock. */
    private List<Sequence> dropCancelled() {
        List<Sequence> out = new ArrayList<>();
        for (Iterator<Sequence> it = active.iterator(); it.hasNext(); ) {
            Sequence a = it.next();
            if (a.cancelRequested) {
                it.remove();
                kvInFlight -= a.kvReserveBytes;
                out.add(a);
            }
        }
        inFlight = active.size();
        return out;
    }

    /** How long an idle decode thread sleeps: until a deadline, the static batch wait, or a signal. */
    private long idleWait(long now) {
        long wait = TimeUnit.SECONDS.toNanos(1);
        long deadline = queues.earliestDeadline();
        if (deadline != Long.MAX_VALUE) {
            wait = Math.min(wait, Math.max(0, deadline - now) + 1);
        }
        if (staticMode && queues.waiting() > 0) {
            long waited = now - queues.oldestSubmitNanos();
            wait = Math.min(wait, Math.max(1, policy.waitNanos(queues.waiting()) - waited));
        }
        return Math.max(1, wait);
    }

    /** Moves waiting sequences into the batch. Caller holds the lock. Returns true if any was admitted. */
    private boolean admit(long now) {
        if (staticMode) {
            if (!active.isEmpty() || queues.waiting() == 0) {
                return false;
            }
            long waited = now - queues.oldestSubmitNanos();
            if (queues.waiting() < policy.cap() && waited < policy.waitNanos(queues.waiting())) {
                return false;
            }
        } else if (!policy.admitJoiners(active.size(), queues.waiting(),
                queues.waiting() == 0 ? 0 : now - queues.oldestSubmitNanos(), queues.depth(Priority.HIGH) > 0)) {
            return false;
        }
        boolean any = false;
        int cap = policy.cap();
        Sequence s;
        while ((s = next(now, cap)) != null) {
            if (s.rejection != null) {
                queues.remove(s);
                finisher.finish(s, CompletionStatus.REJECTED, null, s.rejection, 0, version, now);
                continue;
            }
            if (s.kvReserveBytes > kvBudget) {
                queues.remove(s);
                finisher.finish(s, CompletionStatus.FAILED, null, "request needs " + s.kvReserveBytes
                        + " KV-cache bytes, more than " + EngineConfig.KV_BUDGET_BYTES + "=" + kvBudget, 0, version, now);
                continue;
            }
            while (!fits(s, cap) && s.priority() == Priority.HIGH && !staticMode && preemptOne()) {
                // preempted a lower-priority sequence to make room for a HIGH one
            }
            if (!fits(s, cap)) {
                break;
            }
            queues.remove(s);
            if (s.priority() == Priority.HIGH && !highActive()) {
                highRunStartNanos = now; // a HIGH run starts: under a LOW flood, running LOW rows pause
                if (isolating()) {
                    pauseLowRows();
                }
            } else if (s.priority() == Priority.LOW) {
                lastLowJoinNanos = now;
            }
            s.admitSeq = ++admissions;
            active.add(s);
            kvInFlight += s.kvReserveBytes;
            any = true;
        }
        inFlight = active.size();
        return any;
    }

    /**
     * The waiting sequence to admit next (prepared): the best by effective level ({@link LaneQueues#peekBest}), or,
     * when that one is an aged NORMAL or LOW request that does not fit, the HIGH lane's head, which may preempt. Else
     * an aged head that cannot get in would keep a waiting HIGH request out of a full batch until a row finished.
     */
    private Sequence next(long now, int cap) {
        Sequence s = queues.peekBest(now, !holdLowBack(now));
        if (s == null) {
            return null;
        }
        s.prepare(info, codec);
        if (s.priority() != Priority.HIGH && !staticMode && !fits(s, cap) && queues.depth(Priority.HIGH) > 0) {
            s = queues.head(Priority.HIGH);
            s.prepare(info, codec);
        }
        return s;
    }

    /**
     * HIGH isolation ({@code priority.high.isolation}), under a LOW flood: while a HIGH-lane sequence runs or waits,
     * LOW-lane requests join at most once per {@code priority.aging.ms} (counted from the later of the last LOW join
     * and the start of the latest HIGH run), so a LOW flood adds neither rows (longer steps) nor prefill runs under a HIGH
     * request, and a LOW request still waits a bounded time. "Or waits" matters when the LOW queue is old: its heads
     * have aged past HIGH ({@link LaneQueues}), and without it they would take every free slot ahead of the HIGH
     * request. Static mode has no joiners.
     */
    private boolean holdLowBack(long now) {
        return isolating() && (highActive() || queues.depth(Priority.HIGH) > 0)
                && now - Math.max(lastLowJoinNanos, highRunStartNanos) < queues.agingNanos();
    }

    /**
     * Isolation engages under a LOW flood: a LOW backlog (at least a full batch of LOW requests waiting), or, where
     * rows are costly, LOW making up most of the recent arrivals. Rows are costly when one more row slows a decode
     * step by more than {@code priority.high.isolation.row.cost.pct} of a one-row step ({@link RowCost}, measured):
     * on a small CPU eight LOW rows beside a HIGH request make its steps almost four times as long (java-coder-3m,
     * one ORT thread: 273 us alone, 1,013 us with eight rows), on a memory-bound GPU model they cost almost nothing.
     * Holding LOW back has a price, LOW's latency (a HIGH run on a GPU-class model lasts a
     * second or more); in a mixed load where LOW is a minority and every lane has the same latency target, that price
     * buys nothing, so isolation waits for LOW to be the load pressing on HIGH.
     */
    private boolean isolating() {
        return highIsolation && !staticMode && (queues.depth(Priority.LOW) >= policy.cap()
                || (lowShare > 0.5 && rowsCostly()));
    }

    private boolean highActive() {
        for (Sequence a : active) {
            if (a.priority() == Priority.HIGH) {
                return true;
            }
        }
        return false;
    }

    private boolean fits(Sequence s, int cap) {
        return active.size() < cap && kvInFlight + s.kvReserveBytes <= kvBudget;
    }

    /**
     * Preempts the most recently admitted running sequence of the lowest lane below HIGH. A sequence is preempted
     * at most once (so a HIGH flood cannot starve an aged LOW request) and only after it has run a step.
     * Caller holds the lock.
     */
    private boolean preemptOne() {
        Sequence victim = null;
        for (Sequence a : active) {
            if (preemptible(a) && (victim == null || a.priority().ordinal() > victim.priority().ordinal()
                    || (a.priority() == victim.priority() && a.admitSeq > victim.admitSeq))) {
                victim = a;
            }
        }
        if (victim == null) {
            return false;
        }
        preempt(victim);
        return true;
    }

    /** Below HIGH, not preempted before (so no request is starved by preemption), and it has run a step. */
    private static boolean preemptible(Sequence a) {
        return a.priority() != Priority.HIGH && !a.preempted && a.firstStepNanos != 0;
    }

    /** Back to the head of its lane, tokens kept; the backend keeps its KV cache where it can (parked). */
    private void preempt(Sequence victim) {
        session.park(victim);
        active.remove(victim);
        victim.preempted = true;
        kvInFlight -= victim.kvReserveBytes;
        queues.addFirst(victim);
    }

    /**
     * HIGH isolation, when a HIGH run starts: running LOW rows pause (back to the head of their lane, tokens and
     * parked KV cache kept), so the HIGH request decodes without them. Where rows are costly ({@link RowCost}) a row
     * pauses at every HIGH run start: it resumes between runs without a new prefill. Where rows are nearly free (a
     * memory-bound GPU model, HIGH runs of a second or more back to back under a flood) a row pauses at most once:
     * pausing it again would save the HIGH request almost nothing and only take work from LOW. Caller holds the
     * lock.
     */
    private void pauseLowRows() {
        boolean costly = rowsCostly();
        for (Sequence a : List.copyOf(active)) {
            if (a.priority() == Priority.LOW && (costly ? a.firstStepNanos != 0 : preemptible(a))) {
                preempt(a);
            }
        }
    }

    private boolean rowsCostly() {
        return rowCost.relative() > isolationRowCost;
    }

    private void step() {
        List<Sequence> rows = new ArrayList<>(active);
        int prefill = 0;
        long start = clock.getAsLong();
        for (Sequence s : rows) {
            if (s.firstStepNanos == 0) {
                s.firstStepNanos = start;
                prefill += s.promptLength();
            }
            s.maxBatch = Math.max(s.maxBatch, rows.size());
        }
        StepRunner.Result result = runner.run(rows);
        long end = clock.getAsLong();
        int produced = 0;
        List<Sequence> done = new ArrayList<>();
        List<Runnable> completions = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Sequence s = rows.get(i);
            StepRunner.Failure f = result.failures().get(s);
            if (f != null) {
                completions.add(() -> finisher.finish(s, f.status(), null, f.reason(), 0, version, end));
                done.add(s);
                continue;
            }
            produced++;
            Runnable finish = sample(s, result.logits()[i], end);
            if (finish != null) {
                completions.add(finish);
                done.add(s);
            }
        }
        counters.inferences.increment();
        counters.tokens.add(produced);
        listeners.onBatchStep(model, rows.size(), produced, prefill, end - start);
        rowCost.onStep(rows.size(), prefill, end - start);
        lock.lock();
        try {
            for (Sequence s : done) {
                if (active.remove(s)) {
                    kvInFlight -= s.kvReserveBytes;
                }
            }
            inFlight = active.size();
            policy.onStep(rows.size(), end - start, queues.waiting());
        } finally {
            lock.unlock();
        }
        // complete only after the batch state is updated: a caller that sees its completion sees an idle model
        completions.forEach(Runnable::run);
    }

    /** Samples the next token; returns how to finish the sequence if it is done, else null. */
    private Runnable sample(Sequence s, float[] logits, long now) {
        int token = s.sampler.next(logits);
        s.append(token);
        int generated = s.generated();
        if (s.codec.endsGeneration(token)) {
            return () -> finisher.finish(s, CompletionStatus.OK, FinishReason.STOP, null, 1, version, now);
        }
        if (s.stops.matches(s.codec, s.tokens(), s.promptLength(), s.length())) {
            return () -> finisher.finish(s, CompletionStatus.OK, FinishReason.STOP, null, 0, version, now);
        }
        if (generated >= s.request().maxNewTokens() || s.length() > info.contextLength()) {
            return () -> finisher.finish(s, CompletionStatus.OK, FinishReason.LENGTH, null, 0, version, now);
        }
        if (s.expired(now)) {
            return () -> finisher.finish(s, CompletionStatus.TIMEOUT, null, "deadline passed while running", 0,
                    version, now);
        }
        if (s.stream != null && (generated == 1 || generated - s.streamedTokens >= streamChunkTokens)) {
            s.streamedTokens = generated;
            finisher.partial(s);
        }
        return null;
    }
}
