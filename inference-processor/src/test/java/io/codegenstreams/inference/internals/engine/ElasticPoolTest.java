package io.codegenstreams.inference.internals.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElasticPoolTest {
    @Test
    void shouldGrowWithBacklogWithinMaxAndRejectWhenBacklogIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable blocked = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (ElasticPool pool = new ElasticPool("t", 1, 3, 2)) {
            pool.execute(blocked);
            assertThat(pool.poolSize()).isEqualTo(1);
            pool.execute(blocked);
            pool.execute(blocked);
            assertThat(pool.poolSize()).isBetween(2, 3);
            for (int i = 0; i < 2; i++) {
                pool.execute(blocked); // up to 3 running + 2 queued
            }
            assertThat(pool.poolSize()).isEqualTo(3);
            assertThatThrownBy(() -> pool.execute(blocked)).isInstanceOf(RejectedExecutionException.class);
            release.countDown();
        }
    }
}
