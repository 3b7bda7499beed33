package io.codegenstreams.inference.internals.text;

import io.codegenstreams.inference.spi.SequenceView;
import java.util.Arrays;

/** A growable token sequence with an id: the smallest {@link SequenceView} (a {@code Sequence}'s tokens, warm-up, benchmarks, tests). */
public final class TokenRow implements SequenceView {
    private final long id;
    private int[] tokens;
    private int length;

    public TokenRow(long id, int[] prompt) {
        this(id, prompt, prompt.length + 64);
    }

    /** Room for {@code capacity} tokens before the buffer grows. */
    public TokenRow(long id, int[] prompt, int capacity) {
        this.id = id;
        this.tokens = Arrays.copyOf(prompt, Math.max(capacity, prompt.length));
        this.length = prompt.length;
    }

    public void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, length * 2);
        }
        tokens[length++] = token;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int[] tokens() {
        return tokens;
    }
}
