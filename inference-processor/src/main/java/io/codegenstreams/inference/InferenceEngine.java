package io.codegenstreams.inference;

import java.util.concurrent.CompletableFuture;

/**
 * The batched code-generation engine. One instance per JVM is expected; it keeps one scheduler per loaded model,
 * shared by every caller, so one batch can hold requests from any thread or stream partition.
 *
 * <p>Futures are completed on the engine's small post-processing pool, never on the decode thread; dependent
 * stages added with the non-async {@code thenXxx} methods run there too, so keep them short or use the
 * {@code Async} variants with your own executor.
 */
public interface InferenceEngine extends AutoCloseable {

    /**
     * Queues a request. Never blocks.
     *
     * @throws EngineOverloadedException (retriable) at once when the request's lane queue is full
     * @throws UnknownModelException     for a model not declared in the {@code models} setting
     * @throws EngineUnavailableException after {@link #close()}
     */
    CompletableFuture<Completion> submit(GenerationRequest request);

    /**
     * Queues a request whose text is handed to {@code stream} while it is generated: after its first token, then
     * every {@code stream.chunk.tokens} tokens, and once more when it completes. Same contract as
     * {@link #submit(GenerationRequest)} otherwise. An engine that cannot stream hands the whole text over once, at
     * completion (this default).
     */
    default CompletableFuture<Completion> submit(GenerationRequest request, TextStream stream) {
        return submit(request).thenApply(c -> {
            stream.onText(0, c.text(), c.completionTokens(), true);
            return c;
        });
    }

    /**
     * Stops a request: one still waiting completes {@link CompletionStatus#CANCELLED} at once, one running leaves its
     * batch before the next decode step (its KV reservation freed) and completes CANCELLED with the text generated so
     * far. Ids are expected to be unique among the requests in flight; with two, the later submitted is cancelled.
     *
     * @return false when no request with that id is waiting or running (unknown, or already finished)
     */
    boolean cancel(String requestId);

    /** True once the default model is loaded and warmed up. */
    boolean isReady();

    /** Completes when the default model is loaded and warmed up; completes exceptionally if that failed. */
    CompletableFuture<Void> whenReady();

    EngineStats stats();

    void addListener(EngineListener listener);

    /** Stops accepting requests, fails those still waiting or running with FAILED, and releases the models. */
    @Override
    void close();
}
