package io.codegenstreams.inference.fake;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BackendException;
import io.codegenstreams.inference.spi.BackendProvider;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.ModelInfo;
import io.codegenstreams.inference.spi.SequenceView;
import io.codegenstreams.inference.spi.StepControl;
import io.codegenstreams.inference.spi.StepTerminatedException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Deterministic fake model for scheduler tests. The next token is a function of the history only
 * ({@code 'a' + (sum of tokens) % 26}), so the same request gives the same text in any batch, after preemption or
 * after a retry. Prompts containing {@code POISON} make any batch holding them fail; {@code HANG} makes a step
 * block until its {@link StepControl} is cancelled. A gate lets a test hold the decode thread inside a step.
 */
public final class FakeBackend implements BackendProvider {
    public static final String NAME = "Fake";
    public static final long KV_PER_TOKEN = 100;

    /** Prompts of the rows of each executed step (warm-up rows are recorded as "warmup"). */
    public final List<List<String>> steps = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    public final Map<String, List<Integer>> warmupBatchSizes = new ConcurrentHashMap<>();
    public final AtomicInteger failedSteps = new AtomicInteger();
    public volatile CountDownLatch loadGate = new CountDownLatch(0);
    /** Time every row adds to a step (0: steps take no time), for a backend whose steps cost rows x this. */
    public volatile long stepNanosPerRow;
    private final Semaphore gate = new Semaphore(0);
    private volatile boolean holding;
    private final int context;

    public FakeBackend(int context) {
        this.context = context;
    }

    public FakeBackend() {
        this(64);
    }

    /** Makes the next steps block (after recording their rows) until {@link #allow} or {@link #open()}. */
    public void hold() {
        gate.drainPermits();
        holding = true;
    }

    /** Lets {@code n} held steps proceed. */
    public void allow(int n) {
        gate.release(n);
    }

    public void open() {
        holding = false;
        gate.release(1_000_000);
    }

    /** Waits until {@code n} steps are recorded and the decode thread is held in the last one. */
    public void awaitSteps(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (steps.size() < n || !gate.hasQueuedThreads()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never held at step " + n + ": " + steps);
            }
            Thread.sleep(1);
        }
    }

    /** Waits until the decode thread is held at the gate (after {@link #hold()}); its step is already recorded. */
    public void awaitHeld() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gate.hasQueuedThreads()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no step reached the gate");
            }
            Thread.sleep(1);
        }
    }

    public static String promptOf(SequenceView s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            int t = s.tokens()[i];
            if (t == 256) {
                continue;
            }
            if (t >= 'a' && t <= 'z') {
                break;
            }
            b.append((char) t);
        }
        return b.toString();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkAvailable(EngineConfig config) {
    }

    @Override
    public DecoderBackend load(ModelSpec spec, EngineConfig config) throws ModelLoadException {
        loads.computeIfAbsent(spec.name(), k -> new AtomicInteger()).incrementAndGet();
        try {
            loadGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ModelInfo info = new ModelInfo(spec.name(), "fake-1", 257, context, 256, 256, KV_PER_TOKEN);
        return new DecoderBackend() {
            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public BatchSession openSession() {
                return new Session(spec.name());
            }

            @Override
            public void close() {
            }
        };
    }

    private final class Session implements BatchSession {
        private final String model;
        private final Set<Long> cached = new HashSet<>();
        private final Map<Long, Integer> cachedLen = new HashMap<>();

        Session(String model) {
            this.model = model;
        }

        @Override
        public float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException {
            List<String> prompts = new ArrayList<>();
            boolean warm = false;
            for (SequenceView s : rows) {
                warm |= s.id() < 0;
                prompts.add(promptOf(s));
            }
            if (warm) {
                warmupBatchSizes.computeIfAbsent(model, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(rows.size());
                prompts = List.of("warmup");
            }
            steps.add(prompts);
            try {
                if (holding) {
                    gate.acquire();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long busy = stepNanosPerRow * rows.size();
            for (long end = System.nanoTime() + busy, left = busy; left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            for (String p : prompts) {
                if (p.contains("POISON")) {
                    failedSteps.incrementAndGet();
                    throw new BackendException("poisoned input in batch", null, false);
                }
            }
            for (String p : prompts) {
                if (p.contains("HANG")) {
                    CountDownLatch cancelled = new CountDownLatch(1);
                    control.onCancel(cancelled::countDown);
                    try {
                        cancelled.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    control.clear();
                    failedSteps.incrementAndGet();
                    throw new StepTerminatedException("fake step terminated", null);
                }
            }
            float[][] out = new float[rows.size()][257];
            for (int i = 0; i < rows.size(); i++) {
                SequenceView s = rows.get(i);
                if (s.length() > context) {
                    throw new BackendException("position beyond context", null, false);
                }
                long sum = 0;
                for (int k = 0; k < s.length(); k++) {
                    sum += s.tokens()[k];
                }
                out[i][(int) ('a' + sum % 26)] = 1f;
                cached.add(s.id());
                cachedLen.put(s.id(), s.length());
            }
            return out;
        }

        @Override
        public void reset() {
            cached.clear();
        }

        @Override
        public long kvBytes() {
            return cachedLen.values().stream().mapToLong(l -> l * KV_PER_TOKEN).sum();
        }

        @Override
        public void close() {
        }
    }

    /** The text the fake generates for {@code prompt} (with BOS), {@code n} tokens, greedy. */
    public static String expectedText(String prompt, int n) {
        long sum = 256;
        for (byte b : prompt.getBytes(StandardCharsets.UTF_8)) {
            sum += b & 0xff;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = (char) ('a' + sum % 26);
            out.append(c);
            sum += c;
        }
        return out.toString();
    }
}
