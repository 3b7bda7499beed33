package io.codegenstreams.inference.internals.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.spi.TextCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the {@code tokenizers} library: the model's own
 * pre-tokenizer, BPE/Unigram model, post-processor (BOS) and decoder. Special tokens (the file's
 * {@code added_tokens} marked special) are left out of decoded text, so they never leak into completions.
 *
 * <p>Truncation keeps the end of the prompt: with fill-in-the-middle, the suffix gets at most a quarter of the
 * room and its start is kept, the prefix the rest and its end is kept. The text is tokenized whole, then the
 * token sequence cut, so kept tokens are the ones the model would see in an untruncated prompt.
 */
public final class HfTextCodec implements TextCodec, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    /** Tokens the post-processor adds before a text (BOS). Tokens it adds after (EOS) are left out of prompts. */
    private final int[] lead;
    private final Set<Integer> endTokens;
    private final FimTemplate fim;
    private final int[] fimIds;

    private HfTextCodec(HuggingFaceTokenizer tokenizer, int[] lead, Set<Integer> endTokens, FimTemplate fim,
                        int[] fimIds) {
        this.tokenizer = tokenizer;
        this.lead = lead;
        this.endTokens = Set.copyOf(endTokens);
        this.fim = fim;
        this.fimIds = fimIds;
    }

    /**
     * Loads {@code dir/tokenizer.json}.
     *
     * @param endTokens   ids that end generation (from generation_config.json / config.json)
     * @param fimSetting  {@code auto} (detect from the special tokens), {@code none}, or a {@link FimTemplate} name
     * @param setting     the configuration key of {@code fimSetting}, for error messages
     */
    public static HfTextCodec load(String model, Path dir, Set<Integer> endTokens, String fimSetting, String setting) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Model " + model + ": " + dir + " has no tokenizer.json (the Hugging Face"
                    + " fast-tokenizer file, saved beside config.json by save_pretrained or optimum-cli export onnx)");
        }
        Map<String, Integer> specials = specials(model, file);
        FimTemplate fim;
        String f = fimSetting == null ? "auto" : fimSetting.trim().toLowerCase(Locale.ROOT);
        if (f.equals("auto")) {
            fim = FimTemplate.detect(specials);
        } else if (f.equals("none")) {
            fim = null;
        } else {
            try {
                fim = FimTemplate.parse(f);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(setting + "=" + fimSetting + " is not one of auto, none, "
                        + Arrays.stream(FimTemplate.values()).map(FimTemplate::configName).toList());
            }
            if (fim.tokenIds(specials) == null) {
                throw new ModelLoadException(setting + "=" + fimSetting + ": the tokenizer of model " + model
                        + " has no " + fim.configName() + " fill-in-the-middle tokens");
            }
        }
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                    .optTruncation(false).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Model " + model + ": cannot load " + file + ": " + e.getMessage(), e);
        }
        int[] probe = ints(tok.encode("x", false, false).getIds());
        int[] probeWith = ints(tok.encode("x", true, false).getIds());
        int leadLen = Math.max(0, indexOf(probeWith, probe));
        int[] lead = Arrays.copyOf(probeWith, leadLen);
        return new HfTextCodec(tok, lead, endTokens, fim, fim == null ? null : fim.tokenIds(specials));
    }

    private static Map<String, Integer> specials(String model, Path file) {
        try {
            JsonNode added = JSON.readTree(file.toFile()).path("added_tokens");
            Map<String, Integer> out = new HashMap<>();
            for (JsonNode t : added) {
                out.put(t.path("content").asText(), t.path("id").asInt());
            }
            return out;
        } catch (IOException e) {
            throw new ModelLoadException("Model " + model + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int indexOf(int[] haystack, int[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public int[] encode(String prompt, String suffix, int maxTokens) {
        if (suffix == null) {
            int[] body = ids(prompt);
            if (body.length + lead.length <= maxTokens) {
                return concat(lead, body);
            }
            return Arrays.copyOfRange(body, body.length - maxTokens, body.length); // the end, no BOS
        }
        if (fim == null) {
            throw new IllegalArgumentException("the model has no fill-in-the-middle tokens");
        }
        int[] pre = ids(prompt);
        int[] suf = ids(suffix);
        int room = Math.max(2, maxTokens - lead.length - 3);
        int sufRoom = Math.min(suf.length, Math.max(room / 4, room - pre.length));
        int preRoom = Math.min(pre.length, room - sufRoom);
        int[] keptPre = Arrays.copyOfRange(pre, pre.length - preRoom, pre.length);
        int[] keptSuf = Arrays.copyOf(suf, sufRoom);
        return concat(lead, new int[]{fimIds[0]}, keptPre, new int[]{fimIds[1]}, keptSuf, new int[]{fimIds[2]});
    }

    private int[] ids(String text) {
        return text.isEmpty() ? new int[0] : ints(tokenizer.encode(text, false, false).getIds());
    }

    @Override
    public String infillTemplate() {
        return fim == null ? null : fim.configName();
    }

    @Override
    public String decode(int[] tokens, int from, int to) {
        long[] ids = new long[Math.max(0, to - from)];
        for (int i = from; i < to; i++) {
            ids[i - from] = tokens[i];
        }
        return ids.length == 0 ? "" : tokenizer.decode(ids, true);
    }

    @Override
    public boolean endsGeneration(int token) {
        return endTokens.contains(token);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] ints(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
