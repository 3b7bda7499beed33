package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.Priority;
import io.codegenstreams.inference.TextStream;
import io.codegenstreams.inference.internals.text.Sampler;
import io.codegenstreams.inference.internals.text.StopMatcher;
import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.spi.ModelInfo;
import io.codegenstreams.inference.spi.SequenceView;
import io.codegenstreams.inference.spi.TextCodec;

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
    /** Where partial text goes, or null when the request does not stream. */
    final TextStream stream;
    /** Generated tokens when the last partial was handed out (decode thread). */
    int streamedTokens;
    /** Streaming state of the post-processing pool: characters handed out, next sequence number, closed. */
    final Object streamLock = new Object();
    int streamedChars;
    int streamSequence;
    boolean streamClosed;
    /** Set by {@link ModelScheduler#cancel} from any thread; the decode thread finishes the sequence at its next step. */
    volatile boolean cancelRequested;

    public Sequence(GenerationRequest request, String model, CompletableFuture<Completion> future, long submitNanos,
                    long deadlineNanos) {
        this(request, model, future, submitNanos, deadlineNanos, null);
    }

    public Sequence(GenerationRequest request, String model, CompletableFuture<Completion> future, long submitNanos,
                    long deadlineNanos, TextStream stream) {
        this.stream = stream;
        this.request = request;
        this.model = model;
        this.future = future;
        this.submitNanos = submitNanos;
        this.deadlineNanos = deadlineNanos;
    }

    TextCodec codec;
    /** Why the model cannot serve this request (set by {@link #prepare}), or null. */
    String rejection;

    /**
     * Builds the model input on first admission, with the model's tokenizer: see {@link TextCodec#encode} (the end
     * of a prompt longer than the context is kept). A suffix for a model without fill-in-the-middle sets
     * {@link #rejection} instead.
     */
    void prepare(ModelInfo info, TextCodec textCodec) {
        if (row != null || rejection != null) {
            return;
        }
        codec = textCodec;
        sampler = new Sampler(request.temperature(), request.topK(), request.seed());
        stops = new StopMatcher(request.stop());
        if (request.suffix() != null && textCodec.infillTemplate() == null) {
            rejection = "model " + model + " has no fill-in-the-middle tokens, so a suffix cannot be served: send it"
                    + " to a model whose tokenizer has them (a Hugging Face model declared with model.<name>.location)";
            return;
        }
        int[] prompt = textCodec.encode(request.prompt(), request.suffix(), info.contextLength());
        int maxNew = Math.min(request.maxNewTokens(), info.contextLength() + 1 - prompt.length);
        row = new TokenRow(id, prompt, prompt.length + maxNew + 1);
        promptLength = prompt.length;
        kvReserveBytes = (long) (prompt.length + maxNew) * info.kvBytesPerToken();
    }

    /** True once its completion was handed out (or is being). */
    public boolean isFinished() {
        return future.isDone();
    }

    boolean prepared() {
        return row != null || rejection != null;
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
