package io.codegenstreams.inference;

import java.util.List;

/**
 * A model declared in configuration ({@code models} plus the {@code model.<name>.*} keys).
 *
 * @param name        model name, as requests name it
 * @param location    {@code classpath:models/<name>} (default) or a directory: a Hugging Face snapshot with an
 *                    Optimum ONNX export (config.json, tokenizer.json, model.onnx or onnx/model.onnx), or the
 *                    project's own contract (model.onnx and model.json)
 * @param engine      runtime engine for this model, {@code null} for the {@code engine} setting
 * @param memoryBytes memory the loaded model is charged against {@code memory.budget.bytes}; 0 means estimate it
 *                    from the weights size (3x, for weights plus runtime buffers)
 * @param related     models worth preloading after this one is requested
 * @param fimTemplate fill-in-the-middle template: {@code auto} (detected from the tokenizer's special tokens),
 *                    {@code none}, or a template name ({@code starcoder}, {@code qwen}, {@code codellama},
 *                    {@code deepseek})
 */
public record ModelSpec(String name, String location, String engine, long memoryBytes, List<String> related,
                        String fimTemplate) {
    public ModelSpec {
        related = related == null ? List.of() : List.copyOf(related);
        fimTemplate = fimTemplate == null ? "auto" : fimTemplate;
    }

    public ModelSpec(String name, String location, String engine, long memoryBytes, List<String> related) {
        this(name, location, engine, memoryBytes, related, null);
    }

    public static ModelSpec classpath(String name) {
        return new ModelSpec(name, "classpath:models/" + name, null, 0, List.of());
    }
}
