package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.inference.internals.text.Sampler;
import io.codegenstreams.inference.internals.text.StopMatcher;
import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.spi.ModelInfo;
import io.codegenstreams.inference.spi.SequenceView;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request's decoding state: prompt tokens then generated tokens, its sampler and stop matcher, timings.
 * Mutated only by its model's decode thread once queued.
 */
public final class Sequence implements SequenceView {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final GenerationRequest request;
    final CompletableFuture<Completion> future;
    final String model;
    final long submitNanos;
    final long deadlineNanos; // Long.MAX_VALUE when none
    private TokenRow row; // prompt then generated tokens, from the first admission
    private int promptLength;
    Sampler sampler;
    StopMatcher stops;
    long kvReserveBytes;
    long firstStepNanos;
    int maxBatch;
    long admitSeq; // admission order, for choosing preemption victims
    boolean preempted;

    public Sequence(GenerationRequest request, String model, CompletableFuture<Completion> future, long submitNanos,
                    long deadlineNanos) {
        this.request = request;
        this.model = model;
        this.future = future;
        this.submitNanos = submitNanos;
        this.deadlineNanos = deadlineNanos;
    }

    private int[] promptBytes;

    /** Stores the prompt's UTF-8 bytes; done on the pre-processing pool before the sequence is queued. */
    public void setPromptBytes(int[] bytes) {
        promptBytes = bytes;
    }

    /**
     * Builds the model input on first admission: BOS + bytes when that fits the context, else the last
     * {@code contextLength} bytes (the end of the prompt is what the continuation depends on).
     */
    void prepare(ModelInfo info) {
        if (row != null) {
            return;
        }
        int[] prompt;
        if (promptBytes.length + 1 <= info.contextLength()) {
            prompt = new int[promptBytes.length + 1];
            prompt[0] = info.bosTokenId();
            System.arraycopy(promptBytes, 0, prompt, 1, promptBytes.length);
        } else {
            prompt = Arrays.copyOfRange(promptBytes, promptBytes.length - info.contextLength(), promptBytes.length);
        }
        promptBytes = null;
        int maxNew = Math.min(request.maxNewTokens(), info.contextLength() + 1 - prompt.length);
        row = new TokenRow(id, prompt, prompt.length + maxNew + 1);
        promptLength = prompt.length;
        sampler = new Sampler(request.temperature(), request.topK(), request.seed());
        stops = new StopMatcher(request.stop());
        kvReserveBytes = (long) (prompt.length + maxNew) * info.kvBytesPerToken();
    }

    boolean prepared() {
        return row != null;
    }

    void append(int token) {
        row.append(token);
    }

    public Priority priority() {
        return request.priority();
    }

    public GenerationRequest request() {
        return request;
    }

    public int promptLength() {
        return promptLength;
    }

    public int generated() {
        return length() - promptLength;
    }

    boolean expired(long now) {
        return now - deadlineNanos >= 0;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int length() {
        return row == null ? 0 : row.length();
    }

    @Override
    public int[] tokens() {
        return row == null ? new int[0] : row.tokens();
    }
}
