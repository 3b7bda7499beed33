package io.codegenstreams.perf.load;

import io.codegenstreams.schemas.Priority;
import java.util.Map;

/**
 * What one load run at one offered rate measured.
 *
 * @param offeredQps   the Poisson rate asked for
 * @param achievedQps  answers per second over the run's window (first send to last answer)
 * @param steadyQps    answers per second between the 25th and the 75th percentile answer (a flood's throughput
 *                     without its ramp-up and its tail); NaN with fewer than 8 answers
 * @param sent         requests sent (fewer than planned when the run was aborted as already failed)
 * @param outcomes     answers by outcome
 * @param cached       answers served from the idempotency store
 * @param p50Ms        median end-to-end latency
 * @param p99Ms        99th percentile end-to-end latency (every outcome counts, at its observed latency)
 * @param laneP99Ms    99th percentile per lane
 * @param utilisation  share of the window the engine spent in decode steps
 * @param meanBatch    mean sequences per decode step
 * @param passed       P99 within the target and at most 1% of requests not OK
 * @param aborted      stopped early because the target could no longer be met
 * @param seconds      wall time of the run, drain included
 * @param split        where the mean latency of fresh OK answers went
 */
public record PointResult(double offeredQps, double achievedQps, double steadyQps, int sent, Map<Outcome, Integer> outcomes, int cached,
                          double p50Ms, double p90Ms, double p99Ms, double maxMs, Map<Priority, Double> laneP99Ms,
                          double utilisation, double meanBatch, boolean passed, boolean aborted, double seconds,
                          LatencySplit split) {

  public int count(Outcome o) {
    return outcomes.getOrDefault(o, 0);
  }

  public double laneP99(Priority lane) {
    return laneP99Ms.getOrDefault(lane, Double.NaN);
  }
}
