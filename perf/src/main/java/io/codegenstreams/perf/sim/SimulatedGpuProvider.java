package io.codegenstreams.perf.sim;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BackendProvider;
import io.codegenstreams.inference.spi.DecoderBackend;

/**
 * The <b>simulated GPU engine</b> ({@code engine=SimulatedGpu}): computes nothing and sleeps for each decode step
 * according to a {@link CostModel} ({@link CostModel#GPU_7B} by default), so the scheduler, the batching and the
 * pipeline can be measured as they would behave in front of a 7B-class model on one GPU. Never the default engine:
 * it is chosen only by naming it. Any model name declared with this engine is served by it (declare
 * {@code model.<name>.memory.bytes}, since there are no weights to size).
 */
public class SimulatedGpuProvider implements BackendProvider {
  public static final String NAME = "SimulatedGpu";

  private final String name;
  private final CostModel cost;

  /** The ServiceLoader entry: the cost model. */
  public SimulatedGpuProvider() {
    this(NAME, CostModel.GPU_7B);
  }

  protected SimulatedGpuProvider(String name, CostModel cost) {
    this.name = name;
    this.cost = cost;
  }

  public CostModel cost() {
    return cost;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void checkAvailable(EngineConfig config) {
    // sleeping needs no hardware
  }

  @Override
  public DecoderBackend load(ModelSpec spec, EngineConfig config) {
    return new SimulatedDecoderBackend(spec.name(), cost);
  }
}
