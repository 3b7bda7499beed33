package io.codegenstreams.inference.internals.text;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fill-in-the-middle prompt formats (prefix-suffix-middle order): the model sees
 * {@code <prefix-token> prefix <suffix-token> suffix <middle-token>} and generates the middle. Each template names
 * its three special tokens; tokenizers spell some of them in more than one way, so alternatives are listed and the
 * first one the vocabulary holds is used.
 */
public enum FimTemplate {
    /** StarCoder, StarCoder2, SantaCoder (GPT-BigCode). */
    STARCODER(List.of("<fim_prefix>"), List.of("<fim_suffix>"), List.of("<fim_middle>")),
    /** Qwen2.5-Coder. */
    QWEN(List.of("<|fim_prefix|>"), List.of("<|fim_suffix|>"), List.of("<|fim_middle|>")),
    /** CodeLlama (its SentencePiece vocabulary writes the tokens with a leading word-boundary mark). */
    CODELLAMA(List.of("▁<PRE>", "<PRE>"), List.of("▁<SUF>", "<SUF>"), List.of("▁<MID>", "<MID>")),
    /** DeepSeek-Coder. */
    DEEPSEEK(List.of("<｜fim▁begin｜>"), List.of("<｜fim▁hole｜>"), List.of("<｜fim▁end｜>"));

    private final List<String> prefix;
    private final List<String> suffix;
    private final List<String> middle;

    FimTemplate(List<String> prefix, List<String> suffix, List<String> middle) {
        this.prefix = prefix;
        this.suffix = suffix;
        this.middle = middle;
    }

    /** The template's token ids {prefix, suffix, middle} in {@code specials} (content to id), or null if absent. */
    public int[] tokenIds(Map<String, Integer> specials) {
        Integer p = first(prefix, specials);
        Integer s = first(suffix, specials);
        Integer m = first(middle, specials);
        return p == null || s == null || m == null ? null : new int[]{p, s, m};
    }

    private static Integer first(List<String> names, Map<String, Integer> specials) {
        for (String n : names) {
            Integer id = specials.get(n);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    /** The first template whose tokens the vocabulary holds, or null. */
    public static FimTemplate detect(Map<String, Integer> specials) {
        for (FimTemplate t : values()) {
            if (t.tokenIds(specials) != null) {
                return t;
            }
        }
        return null;
    }

    /** Parses {@code model.<name>.fim.template}: a template name, case-insensitive. */
    public static FimTemplate parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
