package io.codegenstreams.inference;

import java.util.Map;

/**
 * A point-in-time snapshot of the engine's counters and gauges.
 *
 * @param inferences         decode steps run, all models
 * @param tokensGenerated    tokens generated, all models
 * @param requestsCompleted  completions delivered (any status)
 * @param rejected           submits refused with {@link EngineOverloadedException}
 * @param timeouts           completions with status TIMEOUT
 * @param failures           completions with status FAILED
 * @param queueDepth         requests waiting per lane, all models
 * @param inFlightSequences  sequences currently in a running batch, all models
 * @param kvBytesInFlight    KV-cache bytes reserved by running sequences, all models
 * @param kvBudgetBytes      the {@code kv.budget.bytes} setting (per model scheduler)
 * @param memoryBytesInUse   memory estimates of loaded models
 * @param memoryBudgetBytes  the {@code memory.budget.bytes} setting
 * @param cacheHits          submits whose model was already loaded
 * @param cacheMisses        submits that had to load their model (or wait for its load)
 * @param loadedModels       names of the loaded models, least recently used first
 */
public record EngineStats(long inferences, long tokensGenerated, long requestsCompleted, long rejected, long timeouts,
                          long failures, Map<Priority, Integer> queueDepth, int inFlightSequences, long kvBytesInFlight,
                          long kvBudgetBytes, long memoryBytesInUse, long memoryBudgetBytes, long cacheHits,
                          long cacheMisses, java.util.List<String> loadedModels) {
}
