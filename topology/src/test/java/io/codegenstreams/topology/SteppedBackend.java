package io.codegenstreams.topology;

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
import io.codegenstreams.inference.spi.TextCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A real backend (ONNX Runtime and a shipped model) whose decode steps a test releases one at a time: the step
 * hook that lets an integration test say "within one decode step" without depending on how fast the machine is.
 * Steps run freely until {@link #hold()}; then each waits for {@link #allow}. Every step's row count is recorded.
 */
public final class SteppedBackend implements BackendProvider {
  public static final String NAME = "Stepped";

  private final BackendProvider delegate;
  private final Semaphore permits = new Semaphore(0);
  private volatile boolean holding;
  final List<Integer> rowsPerStep = Collections.synchronizedList(new ArrayList<>());

  public SteppedBackend(BackendProvider delegate) {
    this.delegate = delegate;
  }

  public void hold() {
    permits.drainPermits();
    holding = true;
  }

  public void allow(int steps) {
    permits.release(steps);
  }

  public void open() {
    holding = false;
    permits.release(1_000_000);
  }

  /** Waits until a decode step waits for a permit. */
  public void awaitHeld() throws InterruptedException {
    awaitStep(1);
  }

  /** Lets {@code n} held steps run and waits until the step after them waits for a permit. */
  public void step(int n) throws InterruptedException {
    int target = rowsPerStep.size() + n;
    allow(n);
    awaitStep(target);
  }

  /**
   * Waits (up to a generous bound, for a stuck test only) until {@code steps} steps have started and the last one
   * waits for a permit. Counting steps matters: right after {@link #allow}, the thread released may still look
   * queued.
   */
  private void awaitStep(int steps) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (rowsPerStep.size() < steps || !permits.hasQueuedThreads()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no decode step is waiting for a permit; steps so far: " + rowsPerStep);
      }
      Thread.sleep(1);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void checkAvailable(EngineConfig config) {
    delegate.checkAvailable(config);
  }

  @Override
  public DecoderBackend load(ModelSpec spec, EngineConfig config) throws ModelLoadException {
    DecoderBackend real = delegate.load(spec, config);
    return new DecoderBackend() {
      @Override
      public ModelInfo info() {
        return real.info();
      }

      @Override
      public TextCodec codec() {
        return real.codec();
      }

      @Override
      public BatchSession openSession() {
        return new Session(real.openSession());
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  private final class Session implements BatchSession {
    private final BatchSession real;

    Session(BatchSession real) {
      this.real = real;
    }

    @Override
    public float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException {
      rowsPerStep.add(rows.size()); // recorded before it waits: the held step's rows are known
      if (holding) {
        try {
          permits.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return real.step(rows, control);
    }

    @Override
    public void park(SequenceView s) {
      real.park(s);
    }

    @Override
    public void reset() {
      real.reset();
    }

    @Override
    public long kvBytes() {
      return real.kvBytes();
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
