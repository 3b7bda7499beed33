package io.codegenstreams.inference.internals.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tokenization / post-processing pool: a bounded backlog ({@code postprocess.queue.capacity}; full means
 * {@link RejectedExecutionException}) and a thread count that follows load between
 * {@code postprocess.threads.min} and {@code .max}: on every submit the core size is set to
 * {@code clamp(backlog + running, min, max)}; threads above the minimum retire after 5 s idle.
 */
public final class ElasticPool implements Executor, AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final int min;
    private final int max;

    public ElasticPool(String name, int min, int max, int capacity) {
        this.min = min;
        this.max = max;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(min, max, 5, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public void execute(Runnable task) {
        int want = Math.max(min, Math.min(max, executor.getQueue().size() + executor.getActiveCount() + 1));
        if (want != executor.getCorePoolSize()) {
            if (want > executor.getCorePoolSize()) {
                executor.setCorePoolSize(want);
            } else {
                executor.setCorePoolSize(want); // extra threads time out after keep-alive
            }
        }
        executor.execute(task);
    }

    public int poolSize() {
        return executor.getPoolSize();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
