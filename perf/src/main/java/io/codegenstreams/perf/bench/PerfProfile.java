package io.codegenstreams.perf.bench;

import java.time.Duration;

/**
 * How thoroughly to measure. {@link #QUICK} runs everything once, briefly (a smoke check and a rough picture in
 * about five minutes); {@link #FULL} gives each rate enough requests for a meaningful P99 and searches finer.
 *
 * @param sweepBudget      load runs per sweep of the dynamic configuration
 * @param baselineBudget   load runs per sweep of sync and basic-async
 * @param precision        a sweep stops when its pass/fail bracket is narrower than this (relative)
 * @param shape            duration of each load run
 * @param idleSamples      single requests per class of the mix, at least, for the idle latency
 * @param idleSeconds      ... and on until this long has passed
 * @param floodSync        requests of the in-process saturation probe, per configuration
 * @param highLaneSeconds  duration of each run of the HIGH-lane test
 * @param zeroCostRequests requests of the zero-cost pipeline flood
 * @param rawRecords       records of Kafka's producer / consumer perf tools
 * @param warmUpSeconds    load through a pipeline that has just started before anything is measured on it
 */
public record PerfProfile(String name, int sweepBudget, int baselineBudget, double precision, LoadShape shape, int idleSamples, double idleSeconds,
                          int floodSync, int floodBasic, int floodDynamic, double highLaneSeconds,
                          int zeroCostRequests, int rawRecords, double warmUpSeconds) {

  public static final PerfProfile QUICK = new PerfProfile("quick", 3, 3, 0.15, new LoadShape(30, 4, 5, 2), 1, 3,
      3, 16, 48, 4, 2_000, 30_000, 2);

  public static final PerfProfile FULL = new PerfProfile("full", 7, 6, 0.05, new LoadShape(200, 20, 60, 5), 3, 15,
      4, 32, 200, 30, 10_000, 300_000, 10);

  public boolean quick() {
    return this == QUICK;
  }

  /** The deadline every request carries: twice the target, so an overloaded run clears its backlog quickly. */
  public Duration deadline(Duration target) {
    return target.multipliedBy(2);
  }
}
