package io.codegenstreams.inference.fake;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.inference.Priority;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Engines over {@link FakeBackend} for scheduler and cache tests. */
public final class FakeEngines {
    private FakeEngines() {
    }

    public static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put(EngineConfig.ENGINE, FakeBackend.NAME);
        m.put(EngineConfig.MODELS, "fake-a,fake-b,fake-c");
        m.put(EngineConfig.DEFAULT_MODEL, "fake-a");
        for (String x : List.of("fake-a", "fake-b", "fake-c")) {
            m.put("model." + x + ".memory.bytes", 100);
        }
        m.put(EngineConfig.MEMORY_BUDGET_BYTES, 1000);
        m.put(EngineConfig.WARMUP_BATCH_SIZES, "1");
        m.put(EngineConfig.WARMUP_STEPS, 1);
        m.put(EngineConfig.POSTPROCESS_THREADS_MIN, 1);
        m.put(EngineConfig.POSTPROCESS_THREADS_MAX, 1);
        m.put(EngineConfig.BATCHING_ADAPTIVE, false);
        m.put(EngineConfig.BATCH_MAX_WAIT_MS, 0);
        m.put(EngineConfig.PRIORITY_AGING_MS, 600_000);
        m.put(EngineConfig.PRELOAD_RELATED, false);
        return m;
    }

    public static InferenceEngine start(FakeBackend fake, Map<String, Object> overrides) throws Exception {
        InferenceEngine engine = create(fake, overrides);
        engine.whenReady().get(30, TimeUnit.SECONDS);
        return engine;
    }

    /** Without waiting for readiness. */
    public static InferenceEngine create(FakeBackend fake, Map<String, Object> overrides) {
        return create(fake, overrides, System::nanoTime);
    }

    /** With the schedulers' clock driven by the test. */
    public static InferenceEngine start(FakeBackend fake, Map<String, Object> overrides, ManualClock clock)
            throws Exception {
        InferenceEngine engine = create(fake, overrides, clock);
        engine.whenReady().get(30, TimeUnit.SECONDS);
        return engine;
    }

    private static InferenceEngine create(FakeBackend fake, Map<String, Object> overrides,
                                          java.util.function.LongSupplier clock) {
        Map<String, Object> m = base();
        m.putAll(overrides);
        return InferenceEngines.create(new EngineConfig(m), List.of(fake), clock);
    }

    public static GenerationRequest req(String prompt, Priority p, int maxNew) {
        return GenerationRequest.greedy(prompt, prompt, maxNew).withPriority(p);
    }

    public static Completion get(CompletableFuture<Completion> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Polls until the engine's queues (all lanes) hold {@code n} requests. */
    public static void awaitQueued(InferenceEngine engine, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.stats().queueDepth().values().stream().mapToInt(Integer::intValue).sum() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("queue never reached " + n + ": " + engine.stats());
            }
            Thread.sleep(2);
        }
    }
}
