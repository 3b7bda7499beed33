package io.codegenstreams.inference;

/**
 * Receives a request's text while it is generated ({@link InferenceEngine#submit(GenerationRequest, TextStream)}).
 * Calls for one request come in order and never at the same time, on the engine's post-processing pool; keep them
 * short. The concatenation of every {@code delta}, last call included, is the completion's text.
 *
 * <p>Text that could still become part of a stop sequence is held back until it cannot (or until the request
 * completes), so a stop sequence is never streamed and then cut from the completion.
 */
@FunctionalInterface
public interface TextStream {

    /**
     * @param sequence 0 for the first call of a request, then 1, 2, ...
     * @param delta    text added since the previous call; empty only in the last call
     * @param tokens   tokens generated so far
     * @param last     true for the call made when the request completes, just before its future completes
     */
    void onText(int sequence, String delta, int tokens, boolean last);
}
