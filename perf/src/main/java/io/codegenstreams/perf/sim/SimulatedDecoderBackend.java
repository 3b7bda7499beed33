package io.codegenstreams.perf.sim;

import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.ModelInfo;

/** A "loaded" simulated model: byte-level vocabulary like the shipped models, a long context, no weights. */
final class SimulatedDecoderBackend implements DecoderBackend {
  /** Byte tokens 0..255 plus end-of-text 256, as the shipped models. */
  static final int VOCAB = 257;
  static final int END_OF_TEXT = 256;
  static final int CONTEXT = 4096;
  /** Nominal; kept small so that {@code kv.budget.bytes} does not cap the simulated batch. */
  static final long KV_BYTES_PER_TOKEN = 1024;

  private final ModelInfo info;
  private final CostModel cost;

  SimulatedDecoderBackend(String name, CostModel cost) {
    this.info = new ModelInfo(name, "simulated-" + cost.decodeBaseMillis() + "ms", VOCAB, CONTEXT, END_OF_TEXT,
        END_OF_TEXT, KV_BYTES_PER_TOKEN);
    this.cost = cost;
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public BatchSession openSession() {
    return new SimulatedBatchSession(cost, VOCAB, KV_BYTES_PER_TOKEN);
  }

  @Override
  public void close() {}
}
