package io.codegenstreams.inference.internals.text;

import io.codegenstreams.inference.spi.TextCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Detects stop sequences in the generated text. Matching is on decoded text, not tokens, because a subword
 * tokenizer may put a stop sequence inside a longer token or across several; only the last few tokens are decoded
 * at each step (enough to hold the longest stop sequence even at one byte per token).
 */
public final class StopMatcher {
    private final List<String> stops;
    private final int window;
    private final int holdBack;

    public StopMatcher(List<String> stopSequences) {
        stops = List.copyOf(stopSequences);
        int longest = 0;
        for (String s : stops) {
            longest = Math.max(longest, s.getBytes(StandardCharsets.UTF_8).length);
        }
        window = longest + 4;
        int longestChars = 0;
        for (String s : stops) {
            longestChars = Math.max(longestChars, s.length());
        }
        holdBack = Math.max(0, longestChars - 1);
    }

    /**
     * Characters at the end of partial text that may still turn out to start a stop sequence: a streamed prefix
     * leaves them out until the next chunk or the completion.
     */
    public int holdBackChars() {
        return holdBack;
    }

    /** Whether the text of {@code tokens[from..to)} (generated tokens) now contains a stop sequence. */
    public boolean matches(TextCodec codec, int[] tokens, int from, int to) {
        if (stops.isEmpty() || to <= from) {
            return false;
        }
        String tail = codec.decode(tokens, Math.max(from, to - window), to);
        for (String s : stops) {
            if (tail.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} up to the first stop sequence in it (all of it when it holds none). */
    public String cut(String text) {
        int at = text.length();
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && i < at) {
                at = i;
            }
        }
        return text.substring(0, at);
    }

    public boolean isEmpty() {
        return stops.isEmpty();
    }
}
