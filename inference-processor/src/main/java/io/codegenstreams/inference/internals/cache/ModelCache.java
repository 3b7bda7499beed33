package io.codegenstreams.inference.internals.cache;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.internals.engine.BackendRegistry;
import io.codegenstreams.inference.internals.engine.Counters;
import io.codegenstreams.inference.internals.engine.Listeners;
import io.codegenstreams.inference.internals.ort.ModelFiles;
import io.codegenstreams.inference.internals.scheduler.ModelScheduler;
import io.codegenstreams.inference.spi.DecoderBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Loaded models, inside {@code memory.budget.bytes} (the stand-in for GPU memory).
 *
 * <ul>
 *   <li>Each declared model is loaded at most once per JVM and never twice concurrently: one {@link Entry} per
 *   name, created under the cache lock, whose load runs once on the loader pool; callers share its future.</li>
 *   <li>A model that does not fit evicts idle models, least recently used first; if busy models leave no room the
 *   request fails with an error naming the budget and the busy models.</li>
 *   <li>Warm-up: real batches at {@code warmup.batch.sizes} run before the model's scheduler starts and its
 *   {@link Entry#ready} completes; load and warm-up times go to the listeners.</li>
 *   <li>Preloading: after a request for model A, the models predicted to follow it ({@link RelatedModels}) are
 *   loaded in the background, only if they fit without evicting anything.</li>
 *   <li>Closing: loads and warm-ups in progress stop at their next step and are waited for (up to
 *   {@link #LOADER_STOP_TIMEOUT}) before any native object is freed; a backend whose load finishes after the close
 *   is closed by its loader.</li>
 * </ul>
 */
public final class ModelCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** Longest {@link #close()} waits for running loads and warm-ups to stop. */
    public static final Duration LOADER_STOP_TIMEOUT = Duration.ofSeconds(60);

    /** A model in the cache: its scheduler accepts requests at once; it starts decoding when {@code ready}. */
    public static final class Entry {
        public final ModelSpec spec;
        public final ModelScheduler scheduler;
        public final CompletableFuture<Void> ready = new CompletableFuture<>();
        final long memoryBytes;
        volatile long lastUsed;
        volatile DecoderBackend backend;

        Entry(ModelSpec spec, ModelScheduler scheduler, long memoryBytes) {
            this.spec = spec;
            this.scheduler = scheduler;
            this.memoryBytes = memoryBytes;
        }
    }

    private final EngineConfig config;
    private final BackendRegistry registry;
    private final Listeners listeners;
    private final Counters counters;
    private final Function<String, ModelScheduler> schedulers;
    private final long budget;
    private final RelatedModels related = new RelatedModels();
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // LRU order
    private volatile boolean closed;
    private final ExecutorService loader = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "codegen-model-loader");
        t.setDaemon(true);
        return t;
    });

    public ModelCache(EngineConfig config, BackendRegistry registry, Listeners listeners, Counters counters,
                      Function<String, ModelScheduler> schedulers) {
        this.config = config;
        this.registry = registry;
        this.listeners = listeners;
        this.counters = counters;
        this.schedulers = schedulers;
        this.budget = config.getLong(EngineConfig.MEMORY_BUDGET_BYTES);
    }

    /**
     * The entry of a declared model for a request: counts a hit if it was loaded, else a miss and starts its load
     * (evicting idle models if needed). Then schedules preloads of related models.
     *
     * @throws ModelLoadException if the model cannot fit the memory budget
     */
    public Entry acquire(String model) {
        Entry e;
        synchronized (this) {
            e = entries.get(model);
            if (e != null && e.ready.isDone() && !e.ready.isCompletedExceptionally()) {
                counters.cacheHits.increment();
            } else {
                counters.cacheMisses.increment();
                if (e == null) {
                    e = load(config.model(model), true);
                }
            }
            e.lastUsed = System.nanoTime();
        }
        related.observe(model);
        if (config.getBoolean(EngineConfig.PRELOAD_RELATED)) {
            for (String next : related.predict(model, e.spec.related())) {
                preload(next);
            }
        }
        return e;
    }

    /** Loads a model in the background if it is not loaded and fits without evicting anything. */
    public synchronized boolean preload(String model) {
        if (entries.containsKey(model)) {
            return false;
        }
        ModelSpec spec = config.model(model);
        if (used() + memoryOf(spec) > budget) {
            return false;
        }
        load(spec, false);
        return true;
    }

    /** Starts (or joins) the load of a model at start-up, evicting idle models if needed. */
    public synchronized Entry ensureLoading(String model) {
        Entry e = entries.get(model);
        return e != null ? e : load(config.model(model), true);
    }

    private long memoryOf(ModelSpec spec) {
        try {
            return ModelFiles.estimateMemory(spec);
        } catch (ModelLoadException e) {
            return spec.memoryBytes(); // the load will report the real problem
        }
    }

    private long used() {
        long sum = 0;
        for (Entry e : entries.values()) {
            sum += e.memoryBytes;
        }
        return sum;
    }

    /** Caller holds the lock. */
    private Entry load(ModelSpec spec, boolean mayEvict) {
        long need = memoryOf(spec);
        if (need > budget) {
            throw new ModelLoadException("Model " + spec.name() + " needs " + need + " bytes, more than "
                    + EngineConfig.MEMORY_BUDGET_BYTES + "=" + budget);
        }
        if (mayEvict) {
            evictFor(spec.name(), need);
        }
        Entry e = new Entry(spec, schedulers.apply(spec.name()), need);
        entries.put(spec.name(), e);
        loader.execute(() -> doLoad(e));
        return e;
    }

    private void evictFor(String model, long need) {
        List<String> busy = new ArrayList<>();
        for (Entry victim : new ArrayList<>(entries.values())) { // least recently used first
            if (used() + need <= budget) {
                return;
            }
            if (victim.ready.isDone() && victim.scheduler.closeIfIdle()) {
                entries.remove(victim.spec.name());
                if (victim.backend != null) {
                    victim.backend.close();
                }
                listeners.onModelEvicted(victim.spec.name(), "LRU eviction to make room for " + model);
                LOG.info("Evicted idle model {} to make room for {}", victim.spec.name(), model);
            } else {
                busy.add(victim.spec.name());
            }
        }
        if (used() + need > budget) {
            throw new ModelLoadException("Model " + model + " needs " + need + " bytes but only "
                    + (budget - used()) + " of " + EngineConfig.MEMORY_BUDGET_BYTES + "=" + budget
                    + " are free and the other loaded models are busy " + busy
                    + "; raise the budget or retry when they are idle");
        }
    }

    private void doLoad(Entry e) {
        String name = e.spec.name();
        DecoderBackend backend = null;
        try {
            if (closed) {
                throw new Warmup.Cancelled(name);
            }
            long t0 = System.nanoTime();
            backend = registry.providerFor(config, e.spec).load(e.spec, config);
            long t1 = System.nanoTime();
            List<Integer> sizes = new ArrayList<>();
            for (int s : config.getIntList(EngineConfig.WARMUP_BATCH_SIZES)) {
                sizes.add(Math.min(s, config.getInt(EngineConfig.BATCH_MAX_SIZE)));
            }
            List<Integer> batchSizes = sizes.stream().distinct().toList();
            LOG.info("Model {} loaded in {} ms; warming up at batch sizes {}", name, (t1 - t0) / 1_000_000,
                    batchSizes);
            Warmup.run(backend, batchSizes, config.getInt(EngineConfig.WARMUP_STEPS), () -> closed);
            long t2 = System.nanoTime();
            synchronized (this) {
                if (closed) {
                    throw new Warmup.Cancelled(name);
                }
                e.backend = backend;
                e.scheduler.start(backend);
            }
            LOG.info("Model {} {} loaded in {} ms, warmed up in {} ms", name, backend.info().version(),
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            listeners.onModelLoaded(name, backend.info().version(), t1 - t0, t2 - t1);
            e.ready.complete(null);
        } catch (RuntimeException | LinkageError ex) {
            if (backend != null && e.backend != backend) {
                backend.close();
            }
            if (ex instanceof Warmup.Cancelled) {
                LOG.info("Load of model {} stopped: the engine is closing", name);
            } else {
                LOG.error("Model {} failed to load", name, ex);
            }
            synchronized (this) {
                entries.remove(name, e);
            }
            String reason = ex instanceof ModelLoadException ? ex.getMessage() : "model " + name + " failed to load: " + ex;
            e.scheduler.failAll(reason);
            e.ready.completeExceptionally(ex instanceof ModelLoadException ? ex : new ModelLoadException(reason, ex));
        }
    }

    public synchronized long memoryInUse() {
        return used();
    }

    public synchronized List<String> loadedModels() {
        return entries.values().stream().filter(e -> e.backend != null).map(e -> e.spec.name()).toList();
    }

    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    public long budget() {
        return budget;
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        loader.shutdown();
        boolean stopped;
        try {
            stopped = loader.awaitTermination(LOADER_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped) {
            LOG.warn("a model load was still running {} after the engine closed; its native memory is left to the"
                    + " process exit", LOADER_STOP_TIMEOUT);
        }
        for (Entry e : all) {
            e.scheduler.close();
            if (e.backend != null && e.scheduler.stopped()) {
                e.backend.close();
            }
            e.ready.completeExceptionally(new ModelLoadException("the engine closed before model " + e.spec.name()
                    + " was ready"));
        }
    }

    /** Entries by name, for stats. */
    public synchronized Map<String, Entry> snapshot() {
        return new LinkedHashMap<>(entries);
    }
}
