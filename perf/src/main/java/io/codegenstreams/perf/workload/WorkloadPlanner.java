package io.codegenstreams.perf.workload;

import io.codegenstreams.schemas.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns arrival times and a {@link WorkloadSpec} into the requests of one run. Deterministic for a seed, so the
 * pipeline and the in-process driver replay exactly the same arrivals.
 */
public final class WorkloadPlanner {
  private final WorkloadSpec spec;
  private final String idPrefix;

  public WorkloadPlanner(WorkloadSpec spec, String idPrefix) {
    this.spec = spec;
    this.idPrefix = idPrefix;
  }

  public List<PlannedRequest> plan(List<Long> arrivals, long seed) {
    Random random = new Random(seed);
    List<PlannedRequest> out = new ArrayList<>(arrivals.size());
    for (int i = 0; i < arrivals.size(); i++) {
      long at = arrivals.get(i);
      if (i > 0 && random.nextDouble() < spec.duplicateRate()) {
        PlannedRequest original = out.get(random.nextInt(out.size()));
        out.add(new PlannedRequest(at, original.id(), original.lane(), original.promptBytes(), original.maxNewTokens(), true));
        continue;
      }
      Priority lane = spec.lanes().sample(random);
      out.add(new PlannedRequest(at, idPrefix + i, lane, spec.promptBytes().sample(random),
          spec.outputTokens().sample(random), false));
    }
    return out;
  }
}
