package io.codegenstreams.topology.internals;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A wall-clock punctuator that runs only while its task has work, at the cadence that work needs. Every punctuation
 * marks the task as needing a commit, so a task that kept punctuating while idle would commit a transaction (its
 * input offsets, again) every {@code commit.interval.ms}: CPU on the stream thread and the broker for nothing.
 */
final class Ticker {
  private final ProcessorContext<?, ?> context;
  private final Punctuator punctuator;
  private Cancellable scheduled;
  private long intervalMs;

  Ticker(ProcessorContext<?, ?> context, Punctuator punctuator) {
    this.context = context;
    this.punctuator = punctuator;
  }

  /** Punctuates every {@code intervalMs} from now on (a no-op when it already does). */
  void every(long intervalMs) {
    if (scheduled != null && this.intervalMs == intervalMs) {
      return;
    }
    stop();
    scheduled = context.schedule(Duration.ofMillis(intervalMs), PunctuationType.WALL_CLOCK_TIME, punctuator);
    this.intervalMs = intervalMs;
  }

  void stop() {
    if (scheduled != null) {
      scheduled.cancel();
      scheduled = null;
    }
  }
}
