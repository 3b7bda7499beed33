package io.codegenstreams.inference;

/**
 * Result of one request.
 *
 * @param requestId        the request's id
 * @param status           OK, TIMEOUT or FAILED
 * @param text             generated text (UTF-8 decoded; may be partial for TIMEOUT; empty if it never ran)
 * @param finishReason     STOP or LENGTH when status is OK, else {@code null}
 * @param error            reason when status is not OK, else {@code null}
 * @param model            model name that served (or would have served) it
 * @param modelVersion     the model's version from its model.json, {@code null} if it never loaded
 * @param promptTokens     prompt tokens actually used (after truncation to the context)
 * @param completionTokens generated tokens
 * @param queueNanos       time from submit to its first decode step (or to its time-out)
 * @param inferenceNanos   time from its first decode step to its end
 * @param batchSize        largest number of sequences in a decode step it took part in
 */
public record Completion(String requestId, CompletionStatus status, String text, FinishReason finishReason,
                         String error, String model, String modelVersion, int promptTokens, int completionTokens,
                         long queueNanos, long inferenceNanos, int batchSize) {
}
