package io.codegenstreams.inference.internals.text;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte-level tokenizer of the shipped models: token i (0..255) is byte i of the UTF-8 text; token 256 is
 * {@code <|endoftext|>}, used as BOS (prepended to an untruncated prompt) and EOS.
 */
public final class ByteTokenizer {
    public static final int EOT = 256;

    private ByteTokenizer() {
    }

    /**
     * Encodes a prompt into at most {@code maxTokens} tokens: BOS + UTF-8 bytes when that fits, otherwise the last
     * {@code maxTokens} bytes (the end of the prompt is what a continuation depends on).
     */
    public static int[] encodePrompt(String prompt, int bos, int maxTokens) {
        byte[] bytes = prompt.getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 <= maxTokens) {
            int[] out = new int[bytes.length + 1];
            out[0] = bos;
            for (int i = 0; i < bytes.length; i++) {
                out[i + 1] = bytes[i] & 0xff;
            }
            return out;
        }
        int[] out = new int[maxTokens];
        int from = bytes.length - maxTokens;
        for (int i = 0; i < maxTokens; i++) {
            out[i] = bytes[from + i] & 0xff;
        }
        return out;
    }

    /** Decodes byte tokens (tokens >= 256 are skipped); malformed UTF-8 becomes U+FFFD. */
    public static String decode(int[] tokens, int from, int to) {
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (tokens[i] < 256) {
                bytes[n++] = (byte) tokens[i];
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(Arrays.copyOf(bytes, n))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
