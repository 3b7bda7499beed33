package io.codegenstreams.perf.bench;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on the terminal (stderr, so stdout stays the report): a progress bar per load run, redrawn in place on
 * a terminal and printed as a line every few seconds otherwise (CI logs), plus one line per finished step.
 */
public final class Progress {
  private final PrintStream err;
  private final boolean interactive;
  private final long startNanos = System.nanoTime();

  public Progress(PrintStream err) {
    this.err = err;
    this.interactive = System.console() != null;
  }

  /** Runs {@code work} with a bar counting answers out of {@code total}. */
  public <T> T bar(String task, int total, java.util.function.Function<IntConsumer, T> work) {
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" req", 1)
        .setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(100);
    if (interactive) {
      b.setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250);
    } else {
      b.setConsumer(new DelegatingProgressBarConsumer(err::println)).setUpdateIntervalMillis(5000);
    }
    try (ProgressBar bar = b.build()) {
      return work.apply(n -> bar.stepTo(Math.min(n, total)));
    }
  }

  /** A line of what just happened, prefixed with the elapsed time. */
  public void say(String format, Object... args) {
    err.printf("[%6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, String.format(format, args));
    err.flush();
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
