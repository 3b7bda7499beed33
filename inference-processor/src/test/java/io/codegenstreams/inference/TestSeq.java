package io.codegenstreams.inference;

import io.codegenstreams.inference.spi.SequenceView;

import java.util.Arrays;

/** A growable token sequence for backend tests. */
public final class TestSeq implements SequenceView {
    private final long id;
    private int[] tokens;
    private int length;

    public TestSeq(long id, int[] prompt) {
        this.id = id;
        this.tokens = Arrays.copyOf(prompt, prompt.length + 64);
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
