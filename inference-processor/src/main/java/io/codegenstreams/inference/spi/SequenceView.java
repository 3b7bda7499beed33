package io.codegenstreams.inference.spi;

/**
 * A sequence in a decode step, as the backend sees it: a stable id and its full token history
 * (prompt then generated tokens). The backend decides what to feed: the last token when it still holds the KV
 * cache of the first {@code length()-1} tokens for this id, the whole history otherwise (prefill).
 */
public interface SequenceView {
    long id();

    /** Number of valid tokens in {@link #tokens()}. */
    int length();

    /** Token buffer; only the first {@link #length()} entries are valid. Must not be modified. */
    int[] tokens();
}
