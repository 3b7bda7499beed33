package io.codegenstreams.perf.bench;

import io.codegenstreams.perf.workload.ArrivalSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How long one load run lasts at a given rate: long enough for {@code targetRequests} requests, within
 * {@code [minSeconds, maxSeconds]}; and at least {@code minArrivals} arrivals even at very low rates (the Poisson
 * process simply goes on), since a percentile of nothing means nothing.
 */
public record LoadShape(int targetRequests, double minSeconds, double maxSeconds, int minArrivals) {

  public LoadShape {
    if (targetRequests < 1 || !(minSeconds > 0) || maxSeconds < minSeconds || minArrivals < 1) {
      throw new IllegalArgumentException("invalid load shape");
    }
  }

  public double seconds(double qps) {
    return Math.max(minSeconds, Math.min(maxSeconds, targetRequests / qps));
  }

  /** Poisson arrivals at {@code qps} for {@link #seconds}, extended to {@code minArrivals} if needed. */
  public List<Long> arrivals(double qps, Random random) {
    List<Long> out = new ArrayList<>(ArrivalSchedule.poisson(qps, (long) (seconds(qps) * 1e9), random));
    double t = out.isEmpty() ? 0 : out.get(out.size() - 1);
    while (out.size() < minArrivals) {
      t += -Math.log(1 - random.nextDouble()) / qps * 1e9;
      out.add((long) t);
    }
    return out;
  }
}
