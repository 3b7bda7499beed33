package io.codegenstreams.inference.internals.ort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.ModelInfo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a model's directory from its declared location (a filesystem directory, or {@code classpath:models/<name>},
 * extracted to a temporary directory when inside a jar) and reads its architecture. Two layouts are models:
 *
 * <ul>
 *   <li><b>Hugging Face snapshot with an Optimum ONNX export</b> ({@link Layout#OPTIMUM}): {@code config.json},
 *       optional {@code generation_config.json}, {@code tokenizer.json}, and {@code model.onnx} at the root or under
 *       {@code onnx/} (external weights in {@code model.onnx_data} beside it). Shapes come from
 *       {@code config.json}, whose key names differ by family (GPT-2 {@code n_layer}, Llama {@code num_hidden_layers},
 *       ...), so each fact is read from the first of its known names.
 *   <li><b>The project's own contract</b> ({@link Layout#NATIVE}): {@code model.onnx} and {@code model.json},
 *       with a byte-level vocabulary.
 * </ul>
 */
public final class ModelFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jar resources extracted once per process, by resource path (resolved again at every load and estimate). */
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
    /** Files of either layout, copied out of a jar when present. */
    private static final List<String> FILES = List.of("model.json", "model.onnx", "model.onnx_data", "config.json",
            "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "onnx/model.onnx", "onnx/model.onnx_data");

    public enum Layout { NATIVE, OPTIMUM }

    /**
     * A model's files and shape.
     *
     * @param dir       the model directory
     * @param onnxDir   the directory holding model.onnx (dir, or dir/onnx)
     * @param kvHeads   key/value heads (fewer than the attention heads under grouped-query attention)
     * @param endTokens tokens that end generation
     */
    public record Descriptor(Layout layout, Path dir, Path onnxDir, ModelInfo info, int layers, int kvHeads,
                             int headDim, Set<Integer> endTokens, long weightsBytes) {
    }

    private ModelFiles() {
    }

    public static Descriptor resolve(ModelSpec spec) {
        Path dir = directory(spec);
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return optimum(spec, dir);
        }
        Path json = dir.resolve("model.json");
        Path onnx = dir.resolve("model.onnx");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(onnx)) {
            throw new ModelLoadException("Model " + spec.name() + ": " + dir + " is not a model directory: expected a"
                    + " Hugging Face snapshot with an Optimum ONNX export (config.json, tokenizer.json, model.onnx or"
                    + " onnx/model.onnx), or model.onnx with model.json (set model." + spec.name() + ".location)");
        }
        try {
            JsonNode n = JSON.readTree(json.toFile());
            int layers = n.get("n_layer").asInt();
            int heads = n.get("n_head").asInt();
            int headDim = n.get("head_dim").asInt();
            long kvPerToken = n.has("kv_bytes_per_token") ? n.get("kv_bytes_per_token").asLong()
                    : (long) layers * 2 * heads * headDim * 4;
            int eos = n.path("eos_token_id").asInt(256);
            ModelInfo info = new ModelInfo(spec.name(), n.path("version").asText("unknown"), n.get("vocab_size").asInt(),
                    n.get("context_length").asInt(), n.path("bos_token_id").asInt(256), eos, kvPerToken);
            return new Descriptor(Layout.NATIVE, dir, dir, info, layers, heads, headDim, Set.of(eos), Files.size(onnx));
        } catch (IOException | NullPointerException e) {
            throw new ModelLoadException("Model " + spec.name() + ": cannot read " + json + ": " + e, e);
        }
    }

    private static Descriptor optimum(ModelSpec spec, Path dir) {
        String where = "Model " + spec.name() + " (model." + spec.name() + ".location=" + dir + "): ";
        Path onnxDir = Files.isRegularFile(dir.resolve("model.onnx")) ? dir
                : Files.isRegularFile(dir.resolve("onnx/model.onnx")) ? dir.resolve("onnx") : null;
        if (onnxDir == null) {
            String merged = Files.isRegularFile(dir.resolve("decoder_model_merged.onnx"))
                    ? " (decoder_model_merged.onnx is an older Optimum layout: export again with a current"
                    + " optimum-cli, which writes one model.onnx)" : "";
            throw new ModelLoadException(where + "no model.onnx at the root or under onnx/" + merged + "; export"
                    + " it with: optimum-cli export onnx --model <model> --task text-generation-with-past <dir>");
        }
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new ModelLoadException(where + "no tokenizer.json beside config.json (the fast-tokenizer file that"
                    + " save_pretrained and optimum-cli export onnx write)");
        }
        try {
            JsonNode c = JSON.readTree(dir.resolve("config.json").toFile());
            Path genFile = dir.resolve("generation_config.json");
            JsonNode g = Files.isRegularFile(genFile) ? JSON.readTree(genFile.toFile()) : JSON.createObjectNode();
            String type = c.path("model_type").asText("unknown");
            if (c.path("multi_query").asBoolean(false) || "gpt_bigcode".equals(type)) {
                throw new ModelLoadException(where + "GPT-BigCode's fused key_value cache layout is not supported"
                        + " yet; StarCoder2 (model_type starcoder2) uses the standard layout and is");
            }
            int layers = intOf(c, where, "num_hidden_layers", "n_layer", "num_layers");
            int heads = intOf(c, where, "num_attention_heads", "n_head");
            int kvHeads = c.has("num_key_value_heads") && !c.get("num_key_value_heads").isNull()
                    ? c.get("num_key_value_heads").asInt() : heads;
            int hidden = intOf(c, where, "hidden_size", "n_embd", "d_model");
            int headDim = c.has("head_dim") && c.get("head_dim").isInt() ? c.get("head_dim").asInt() : hidden / heads;
            int context = intOf(c, where, "max_position_embeddings", "n_positions", "n_ctx", "seq_length");
            int vocab = intOf(c, where, "vocab_size");
            Set<Integer> eos = new LinkedHashSet<>();
            addIds(eos, g.path("eos_token_id"));
            if (eos.isEmpty()) {
                addIds(eos, c.path("eos_token_id"));
            }
            Set<Integer> bos = new LinkedHashSet<>();
            addIds(bos, g.path("bos_token_id"));
            addIds(bos, c.path("bos_token_id"));
            int firstEos = eos.isEmpty() ? -1 : eos.iterator().next();
            long weights = Files.size(onnxDir.resolve("model.onnx"));
            Path data = onnxDir.resolve("model.onnx_data");
            if (Files.isRegularFile(data)) {
                weights += Files.size(data);
            }
            long kvPerToken = 2L * layers * kvHeads * headDim * 4;
            String version = type + "-" + Long.toHexString(weights) + "-"
                    + Long.toHexString(Files.readString(dir.resolve("config.json")).hashCode() & 0xffffffffL);
            ModelInfo info = new ModelInfo(spec.name(), version, vocab, context,
                    bos.isEmpty() ? firstEos : bos.iterator().next(), firstEos, kvPerToken);
            return new Descriptor(Layout.OPTIMUM, dir, onnxDir, info, layers, kvHeads, headDim, Set.copyOf(eos),
                    weights);
        } catch (IOException e) {
            throw new ModelLoadException(where + "cannot read config.json: " + e, e);
        }
    }

    private static int intOf(JsonNode c, String where, String... names) {
        for (String n : names) {
            if (c.has(n) && c.get(n).canConvertToInt()) {
                return c.get(n).asInt();
            }
        }
        throw new ModelLoadException(where + "config.json has none of " + List.of(names));
    }

    private static void addIds(Set<Integer> out, JsonNode n) {
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asInt()));
        } else if (n.canConvertToInt()) {
            out.add(n.asInt());
        }
    }

    /** Memory charged for a loaded model when {@code model.<name>.memory.bytes} is 0: 3x its weights. */
    public static long estimateMemory(ModelSpec spec) {
        if (spec.memoryBytes() > 0) {
            return spec.memoryBytes();
        }
        return 3 * resolve(spec).weightsBytes();
    }

    private static Path directory(ModelSpec spec) {
        String loc = spec.location();
        if (!loc.startsWith("classpath:")) {
            return Path.of(loc);
        }
        String res = loc.substring("classpath:".length()).replaceAll("^/+", "").replaceAll("/+$", "");
        URL url = ModelFiles.class.getClassLoader().getResource(res + "/config.json");
        if (url == null) {
            url = ModelFiles.class.getClassLoader().getResource(res + "/model.json");
        }
        if (url == null) {
            throw new ModelLoadException("Model " + spec.name() + ": no " + res + "/config.json or " + res
                    + "/model.json on the classpath"
                    + " (set model." + spec.name() + ".location to a directory, or remove it from 'models')");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI()).getParent();
            }
            Path cached = EXTRACTED.get(res);
            if (cached != null && Files.isDirectory(cached)) {
                return cached;
            }
            Path tmp = Files.createTempDirectory("codegen-model-" + spec.name());
            // deleteOnExit deletes in reverse order of registration: the directory first here, so it goes last
            tmp.toFile().deleteOnExit();
            Files.createDirectories(tmp.resolve("onnx"));
            tmp.resolve("onnx").toFile().deleteOnExit();
            for (String f : FILES) {
                try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(res + "/" + f)) {
                    if (in == null) {
                        continue; // optional, or of the other layout: resolve() says what is missing
                    }
                    Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                tmp.resolve(f).toFile().deleteOnExit();
            }
            EXTRACTED.put(res, tmp);
            return tmp;
        } catch (IOException | URISyntaxException e) {
            throw new ModelLoadException("Model " + spec.name() + ": cannot read " + url + ": " + e, e);
        }
    }
}
