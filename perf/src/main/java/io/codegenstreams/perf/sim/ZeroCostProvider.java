package io.codegenstreams.perf.sim;

/**
 * {@code engine=ZeroCost}: the simulated engine with every cost at zero. Measuring the pipeline in front of it
 * shows what the Kafka path alone sustains (the {@code kafka_share} figure).
 */
public final class ZeroCostProvider extends SimulatedGpuProvider {
  public static final String NAME = "ZeroCost";

  public ZeroCostProvider() {
    super(NAME, CostModel.ZERO);
  }
}
