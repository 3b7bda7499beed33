package io.codegenstreams.perf.workload;

import io.codegenstreams.schemas.Priority;

/**
 * The shape of the requests, independent of their rate.
 *
 * @param lanes         lane mix (HIGH/NORMAL/LOW); configurations without lanes send everything as NORMAL
 * @param promptBytes   prompt-length mix, in bytes
 * @param outputTokens  output-length mix ({@code max_new_tokens})
 * @param duplicateRate share of requests that repeat an earlier request id
 */
public record WorkloadSpec(Mix<Priority> lanes, Mix<Integer> promptBytes, Mix<Integer> outputTokens,
                           double duplicateRate) {

  public static final String DEFAULT_LANES = "HIGH:0.1,NORMAL:0.6,LOW:0.3";
  public static final String DEFAULT_PROMPTS = "128:0.5,512:0.35,1536:0.15";
  /** Mean 100 tokens, as the cost model assumes. */
  public static final String DEFAULT_OUTPUTS = "60:0.25,100:0.5,140:0.25";

  public WorkloadSpec {
    if (duplicateRate < 0 || duplicateRate >= 1) {
      throw new IllegalArgumentException("duplicate rate must be in [0, 1), was " + duplicateRate);
    }
  }

  public static WorkloadSpec parse(String lanes, String prompts, String outputs, double duplicateRate) {
    return new WorkloadSpec(Mix.parse(lanes, s -> Priority.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT))),
        Mix.ofInts(prompts), Mix.ofInts(outputs), duplicateRate);
  }

  /** The same workload with every request in one lane (configurations that have no lanes). */
  public WorkloadSpec singleLane() {
    return new WorkloadSpec(Mix.only(Priority.NORMAL), promptBytes, outputTokens, duplicateRate);
  }

  public WorkloadSpec onlyLane(Priority lane) {
    return new WorkloadSpec(Mix.only(lane), promptBytes, outputTokens, duplicateRate);
  }

  /** Prompts shortened so that prompt + longest output fits a model's context. */
  public WorkloadSpec fitting(int contextLength) {
    int longest = outputTokens.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int room = Math.max(8, contextLength - longest - 2);
    return new WorkloadSpec(lanes, promptBytes.map(p -> Math.min(p, room)), outputTokens, duplicateRate);
  }

  public double meanPromptBytes() {
    return promptBytes.mean(Integer::doubleValue);
  }

  public double meanOutputTokens() {
    return outputTokens.mean(Integer::doubleValue);
  }
}
