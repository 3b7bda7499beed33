package io.codegenstreams.inference.spi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte-level vocabulary of the project's own ONNX contract: token i (0..255) is byte i of the UTF-8 text;
 * tokens from 256 are special ({@code <|endoftext|>} is both BOS and EOS). No fill-in-the-middle.
 */
public final class ByteLevelCodec implements TextCodec {
    private final int bos;
    private final int eos;

    public ByteLevelCodec(int bos, int eos) {
        this.bos = bos;
        this.eos = eos;
    }

    /** BOS + UTF-8 bytes when that fits, otherwise the last {@code maxTokens} bytes. */
    @Override
    public int[] encode(String prompt, String suffix, int maxTokens) {
        if (suffix != null) {
            throw new IllegalArgumentException("byte-level models have no fill-in-the-middle tokens");
        }
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

    @Override
    public String infillTemplate() {
        return null;
    }

    /** Malformed UTF-8 (a character cut at the range's edges) becomes U+FFFD. */
    @Override
    public String decode(int[] tokens, int from, int to) {
        byte[] bytes = new byte[Math.max(0, to - from)];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (tokens[i] >= 0 && tokens[i] < 256) {
                bytes[n++] = (byte) tokens[i];
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(Arrays.copyOf(bytes, n))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    @Override
    public boolean endsGeneration(int token) {
        return token == eos;
    }
}
