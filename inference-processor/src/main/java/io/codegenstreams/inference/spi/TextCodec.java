package io.codegenstreams.inference.spi;

/**
 * A model's tokenizer as the scheduler uses it: prompt (and suffix) to tokens, generated tokens to text, and which
 * tokens end generation. Thread-safe.
 */
public interface TextCodec {

    /**
     * The model input for a request, at most {@code maxTokens} long. With a {@code suffix} (non-null) it is the
     * model's fill-in-the-middle prompt. When the text does not fit, the end of the prompt and the start of the
     * suffix are kept: that is what the completion at the cursor depends on.
     *
     * @throws IllegalArgumentException if a suffix is given and {@link #infillTemplate()} is null
     */
    int[] encode(String prompt, String suffix, int maxTokens);

    /** The fill-in-the-middle template this model's prompts use, or {@code null} when the model has none. */
    String infillTemplate();

    /**
     * Text of {@code tokens[from..to)}, special tokens left out. A multi-byte character cut at either end of the
     * range decodes as U+FFFD: callers decode whole completions, or windows whose edges they ignore.
     */
    String decode(int[] tokens, int from, int to);

    /** Whether generating {@code token} ends the completion (end-of-text, end-of-turn, ...). */
    boolean endsGeneration(int token);
}
