package io.codegenstreams.inference;

/** Outcome of a request that was accepted by {@link InferenceEngine#submit}. */
public enum CompletionStatus {
    /** Generated; {@link Completion#finishReason()} says why generation ended. */
    OK,
    /** Its deadline passed while it waited, or while it ran, or its decode step timed out twice. */
    TIMEOUT,
    /** The model cannot serve this request as asked (a suffix for a model without fill-in-the-middle); see the error. */
    REJECTED,
    /** {@link InferenceEngine#cancel} stopped it; {@link Completion#text()} holds what was generated until then. */
    CANCELLED,
    /** The model failed on it (isolated poisonous request, model load failure, ...); see {@link Completion#error()}. */
    FAILED
}
