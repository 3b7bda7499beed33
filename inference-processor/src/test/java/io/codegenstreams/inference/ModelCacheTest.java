package io.codegenstreams.inference;

import io.codegenstreams.inference.fake.FakeBackend;
import io.codegenstreams.inference.fake.FakeEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.codegenstreams.inference.fake.FakeEngines.get;
import static io.codegenstreams.inference.fake.FakeEngines.req;
import static io.codegenstreams.inference.fake.FakeEngines.start;
import static org.assertj.core.api.Assertions.assertThat;

/** Model cache: eviction, single loading, warm-up readiness, preloading. Each fake model is charged 100 bytes. */
class ModelCacheTest {
    private final FakeBackend fake = new FakeBackend();
    private final List<String> evicted = new CopyOnWriteArrayList<>();
    private InferenceEngine engine;

    @AfterEach
    void close() {
        fake.open();
        fake.loadGate = new CountDownLatch(0);
        if (engine != null) {
            engine.close();
        }
    }

    private void listen() {
        engine.addListener(new EngineListener() {
            @Override
            public void onModelEvicted(String model, String reason) {
                evicted.add(model);
            }
        });
    }

    private Completion on(String model) throws Exception {
        return get(engine.submit(req("P", Priority.NORMAL, 3).withModel(model)));
    }

    @Test
    void shouldEvictIdleLeastRecentlyUsedModelWhenNewModelDoesNotFit() throws Exception {
        engine = start(fake, Map.of(EngineConfig.MEMORY_BUDGET_BYTES, 250));
        listen();
        Completion b = on("fake-b"); // a (default) + b = 200
        assertThat(b.status()).as(b.error()).isEqualTo(CompletionStatus.OK);
        Completion c = on("fake-c"); // needs 100: evicts a, the LRU
        assertThat(c.status()).as(c.error()).isEqualTo(CompletionStatus.OK);
        assertThat(evicted).containsExactly("fake-a");
        assertThat(engine.stats().loadedModels()).containsExactlyInAnyOrder("fake-b", "fake-c");
        Completion again = on("fake-a"); // reloads a, evicting b
        assertThat(again.status()).as(again.error()).isEqualTo(CompletionStatus.OK);
        assertThat(evicted).containsExactly("fake-a", "fake-b");
        assertThat(fake.loads.get("fake-a").get()).isEqualTo(2);
        assertThat(engine.stats().memoryBytesInUse()).isLessThanOrEqualTo(250);
    }

    @Test
    void shouldFailWithClearErrorWhenBusyModelsLeaveNoRoom() throws Exception {
        engine = start(fake, Map.of(EngineConfig.MEMORY_BUDGET_BYTES, 150));
        fake.hold();
        CompletableFuture<Completion> busy = engine.submit(req("BUSY", Priority.NORMAL, 2));
        fake.awaitHeld();
        Completion c = on("fake-b");
        assertThat(c.status()).isEqualTo(CompletionStatus.FAILED);
        assertThat(c.error()).contains("memory.budget.bytes").contains("busy").contains("fake-a");
        fake.open();
        assertThat(get(busy).status()).isEqualTo(CompletionStatus.OK);
        assertThat(on("fake-b").status()).isEqualTo(CompletionStatus.OK); // a is idle now: evicted
    }

    @Test
    void shouldLoadModelOnceWhenManyThreadsRequestItConcurrently() throws Exception {
        engine = start(fake, Map.of());
        fake.loadGate = new CountDownLatch(1);
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier barrier = new CyclicBarrier(n);
        List<Future<CompletableFuture<Completion>>> submitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            submitted.add(pool.submit(() -> {
                barrier.await();
                return engine.submit(req("T", Priority.NORMAL, 2).withModel("fake-b"));
            }));
        }
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (Future<CompletableFuture<Completion>> f : submitted) {
            fs.add(f.get(30, TimeUnit.SECONDS));
        }
        fake.loadGate.countDown();
        for (CompletableFuture<Completion> f : fs) {
            assertThat(get(f).status()).isEqualTo(CompletionStatus.OK);
        }
        pool.shutdown();
        assertThat(fake.loads.get("fake-b").get()).isEqualTo(1);
        assertThat(engine.stats().cacheMisses()).isGreaterThanOrEqualTo(n);
        on("fake-b");
        assertThat(engine.stats().cacheHits()).isPositive();
    }

    @Test
    void shouldReportReadyOnlyAfterWarmupBatchesRanWhenStarting() throws Exception {
        fake.loadGate = new CountDownLatch(1);
        List<long[]> loaded = new CopyOnWriteArrayList<>();
        engine = FakeEngines.create(fake, Map.of(EngineConfig.WARMUP_BATCH_SIZES, "1,4"));
        engine.addListener(new EngineListener() {
            @Override
            public void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
                loaded.add(new long[]{loadNanos, warmupNanos});
            }
        });
        assertThat(engine.isReady()).isFalse();
        assertThat(engine.whenReady()).isNotDone();
        // requests are accepted while the model loads, and run once it is warm
        CompletableFuture<Completion> early = engine.submit(req("EARLY", Priority.NORMAL, 2));
        fake.loadGate.countDown();
        engine.whenReady().get(30, TimeUnit.SECONDS);
        assertThat(engine.isReady()).isTrue();
        assertThat(fake.warmupBatchSizes.get("fake-a")).contains(1, 4);
        assertThat(fake.steps.get(0)).containsExactly("warmup"); // warm-up ran before any request
        assertThat(get(early).status()).isEqualTo(CompletionStatus.OK);
        assertThat(loaded).hasSize(1);
    }

    @Test
    void shouldPreloadRelatedModelWhenBudgetAllows() throws Exception {
        engine = start(fake, Map.of(EngineConfig.PRELOAD_RELATED, true, "model.fake-a.related", "fake-b"));
        on("fake-a");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!engine.stats().loadedModels().contains("fake-b") && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(engine.stats().loadedModels()).contains("fake-b");
        assertThat(on("fake-b").status()).isEqualTo(CompletionStatus.OK);
        assertThat(fake.loads.get("fake-b").get()).isEqualTo(1);
    }

    @Test
    void shouldNotPreloadRelatedModelWhenItWouldEvictAnother() throws Exception {
        engine = start(fake, Map.of(EngineConfig.PRELOAD_RELATED, true, "model.fake-a.related", "fake-b",
                EngineConfig.MEMORY_BUDGET_BYTES, 150));
        on("fake-a");
        assertThat(fake.loads).doesNotContainKey("fake-b");
        assertThat(engine.stats().loadedModels()).containsExactly("fake-a");
    }
}
