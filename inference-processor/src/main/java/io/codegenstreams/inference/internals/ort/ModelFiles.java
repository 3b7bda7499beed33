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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a model's directory ({@code model.onnx} + {@code model.json}) from its declared location: a filesystem
 * directory, or {@code classpath:models/<name>} (extracted to a temporary directory when inside a jar).
 */
public final class ModelFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jar resources extracted once per process, by resource path (resolved again at every load and estimate). */
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    /** Parsed model.json plus the shape numbers the ONNX contract needs. */
    public record Descriptor(Path dir, ModelInfo info, int layers, int heads, int headDim, long weightsBytes) {
    }

    private ModelFiles() {
    }

    public static Descriptor resolve(ModelSpec spec) {
        Path dir = directory(spec);
        Path json = dir.resolve("model.json");
        Path onnx = dir.resolve("model.onnx");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(onnx)) {
            throw new ModelLoadException("Model " + spec.name() + ": " + dir + " must hold model.onnx and model.json"
                    + " (set model." + spec.name() + ".location)");
        }
        try {
            JsonNode n = JSON.readTree(json.toFile());
            int layers = n.get("n_layer").asInt();
            int heads = n.get("n_head").asInt();
            int headDim = n.get("head_dim").asInt();
            long kvPerToken = n.has("kv_bytes_per_token") ? n.get("kv_bytes_per_token").asLong()
                    : (long) layers * 2 * heads * headDim * 4;
            ModelInfo info = new ModelInfo(spec.name(), n.path("version").asText("unknown"), n.get("vocab_size").asInt(),
                    n.get("context_length").asInt(), n.path("bos_token_id").asInt(256), n.path("eos_token_id").asInt(256),
                    kvPerToken);
            return new Descriptor(dir, info, layers, heads, headDim, Files.size(onnx));
        } catch (IOException | NullPointerException e) {
            throw new ModelLoadException("Model " + spec.name() + ": cannot read " + json + ": " + e, e);
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
        URL url = ModelFiles.class.getClassLoader().getResource(res + "/model.json");
        if (url == null) {
            throw new ModelLoadException("Model " + spec.name() + ": no " + res + "/model.json on the classpath"
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
            for (String f : new String[]{"model.json", "model.onnx"}) {
                try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(res + "/" + f)) {
                    if (in == null) {
                        throw new ModelLoadException("Model " + spec.name() + ": no " + res + "/" + f + " on the classpath");
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
