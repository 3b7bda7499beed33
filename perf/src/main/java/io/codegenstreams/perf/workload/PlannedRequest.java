package io.codegenstreams.perf.workload;

import io.codegenstreams.schemas.Priority;

/**
 * One request of a load plan.
 *
 * @param atNanos      when to send it, from the start of the run
 * @param id           request id (a duplicate repeats an earlier request's id, prompt and settings)
 * @param lane         priority lane
 * @param promptBytes  prompt length in bytes (= tokens for the byte-level models)
 * @param maxNewTokens tokens to generate (the simulated engine always generates exactly this many)
 * @param duplicate    true when this repeats an earlier request (answered from the idempotency store)
 */
public record PlannedRequest(long atNanos, String id, Priority lane, int promptBytes, int maxNewTokens,
                             boolean duplicate) {}
