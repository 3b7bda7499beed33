package io.codegenstreams.inference.internals.engine;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.EngineOverloadedException;
import io.codegenstreams.inference.EngineStats;
import io.codegenstreams.inference.EngineUnavailableException;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.inference.TextStream;
import io.codegenstreams.inference.UnknownModelException;
import io.codegenstreams.inference.internals.cache.ModelCache;
import io.codegenstreams.inference.internals.scheduler.Finisher;
import io.codegenstreams.inference.internals.scheduler.ModelScheduler;
import io.codegenstreams.inference.internals.scheduler.Sequence;
import io.codegenstreams.inference.spi.BackendProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/** Wires the cache, the per-model schedulers, the pools and the listeners behind {@link InferenceEngine}. */
public final class DefaultInferenceEngine implements InferenceEngine {
    private final EngineConfig config;
    private final LongSupplier clock;
    private final String defaultModel;
    private final Listeners listeners = new Listeners();
    private final Counters counters = new Counters();
    private final ElasticPool pool;
    private final ScheduledExecutorService watchdog;
    private final ModelCache cache;
    private final CompletableFuture<Void> ready;
    /** Requests submitted and not yet completed, by id, for {@link #cancel}. */
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public DefaultInferenceEngine(EngineConfig config, List<BackendProvider> providers) {
        this(config, providers, System::nanoTime);
    }

    /** @param clock the schedulers' time in nanoseconds: {@code System::nanoTime}, or a clock a test advances */
    public DefaultInferenceEngine(EngineConfig config, List<BackendProvider> providers, LongSupplier clock) {
        this.clock = clock;
        this.config = config;
        this.defaultModel = config.getString(EngineConfig.DEFAULT_MODEL);
        BackendRegistry registry = new BackendRegistry(config, providers); // fails fast on an unavailable engine
        this.pool = new ElasticPool("codegen-post", config.getInt(EngineConfig.POSTPROCESS_THREADS_MIN),
                config.getInt(EngineConfig.POSTPROCESS_THREADS_MAX), config.getInt(EngineConfig.POSTPROCESS_QUEUE_CAPACITY));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "codegen-step-watchdog");
            t.setDaemon(true);
            return t;
        });
        Finisher finisher = new Finisher(pool, listeners, counters);
        this.cache = new ModelCache(config, registry, listeners, counters,
                name -> new ModelScheduler(name, config, finisher, listeners, counters, watchdog, clock));
        List<CompletableFuture<Void>> startup = new ArrayList<>();
        startup.add(cache.ensureLoading(defaultModel).ready);
        for (String m : config.getList(EngineConfig.PRELOAD_MODELS)) {
            startup.add(cache.ensureLoading(m).ready);
        }
        this.ready = CompletableFuture.allOf(startup.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletableFuture<Completion> submit(GenerationRequest request) {
        return submit(request, null);
    }

    @Override
    public CompletableFuture<Completion> submit(GenerationRequest request, TextStream stream) {
        if (closed) {
            throw new EngineUnavailableException("engine is closed");
        }
        String model = request.model() == null ? defaultModel : request.model();
        if (config.model(model) == null) {
            throw new UnknownModelException("model " + model + " is not declared in '" + EngineConfig.MODELS + "' "
                    + config.models().keySet());
        }
        long now = clock.getAsLong();
        CompletableFuture<Completion> future = new CompletableFuture<>();
        ModelCache.Entry entry;
        try {
            entry = reserve(model, request.priority());
        } catch (ModelLoadException e) {
            counters.failures.increment();
            counters.completed.increment();
            Completion c = new Completion(request.id(), CompletionStatus.FAILED, "", null, e.getMessage(), model, null,
                    0, 0, 0, 0, 0);
            listeners.onCompletion(c);
            if (stream != null) {
                stream.onText(0, "", 0, true);
            }
            future.complete(c);
            return future;
        }
        Sequence s = new Sequence(request, model, future, now, deadlineNanos(now, request.deadline()), stream);
        Live handle = new Live(entry.scheduler, s);
        live.put(request.id(), handle);
        future.whenComplete((c, e) -> live.remove(request.id(), handle));
        try {
            // tokenized here, off the decode thread, when the model is loaded (else by the decode thread at admission)
            pool.execute(() -> {
                entry.scheduler.prepare(s);
                entry.scheduler.enqueue(s);
            });
        } catch (RejectedExecutionException e) {
            entry.scheduler.release(request.priority());
            live.remove(request.id(), handle);
            reject(model, request.priority(), EngineOverloadedException.Reason.BACKLOG_FULL,
                    "pre-processing backlog is full (" + EngineConfig.POSTPROCESS_QUEUE_CAPACITY + ")");
        }
        return future;
    }

    @Override
    public boolean cancel(String requestId) {
        Live handle = live.get(requestId);
        if (handle == null || handle.sequence.isFinished()) {
            return false;
        }
        handle.scheduler.cancel(handle.sequence);
        return true;
    }

    private record Live(ModelScheduler scheduler, Sequence sequence) {}

    private ModelCache.Entry reserve(String model, Priority p) {
        for (int attempt = 0; ; attempt++) {
            ModelCache.Entry entry = cache.acquire(model);
            try {
                entry.scheduler.reserve(p);
                return entry;
            } catch (EngineOverloadedException e) {
                if (attempt == 0 && e.reason() == EngineOverloadedException.Reason.MODEL_UNLOADING) {
                    continue; // the model was being evicted: acquire again
                }
                reject(model, p, e.reason(), e.getMessage());
            }
        }
    }

    private void reject(String model, Priority p, EngineOverloadedException.Reason why, String reason) {
        counters.rejected.increment();
        listeners.onRejected(model, p, reason);
        throw new EngineOverloadedException(why, reason);
    }

    private static long deadlineNanos(long now, Instant deadline) {
        if (deadline == null) {
            return Long.MAX_VALUE;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.compareTo(Duration.ofDays(365)) > 0) {
            return Long.MAX_VALUE;
        }
        return now + Math.max(left.toNanos(), -Duration.ofDays(365).toNanos());
    }

    @Override
    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    @Override
    public CompletableFuture<Void> whenReady() {
        return ready.thenApply(v -> v);
    }

    @Override
    public EngineStats stats() {
        Map<Priority, Integer> depth = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            depth.put(p, 0);
        }
        int inFlight = 0;
        long kv = 0;
        for (ModelCache.Entry e : cache.entries()) {
            e.scheduler.queueDepth().forEach((p, n) -> depth.merge(p, n, Integer::sum));
            inFlight += e.scheduler.inFlight();
            kv += e.scheduler.kvInFlight();
        }
        return new EngineStats(counters.inferences.sum(), counters.tokens.sum(), counters.completed.sum(),
                counters.rejected.sum(), counters.timeouts.sum(), counters.failures.sum(), depth, inFlight, kv,
                config.getLong(EngineConfig.KV_BUDGET_BYTES), cache.memoryInUse(), cache.budget(),
                counters.cacheHits.sum(), counters.cacheMisses.sum(), cache.loadedModels());
    }

    @Override
    public void addListener(EngineListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cache.close();
        watchdog.shutdownNow();
        pool.close();
    }
}
