package io.codegenstreams.inference;

import java.util.List;

/**
 * A model declared in configuration ({@code models} plus the {@code model.<name>.*} keys).
 *
 * @param name        model name, as requests name it
 * @param location    {@code classpath:models/<name>} (default) or a directory holding model.onnx and model.json
 * @param engine      runtime engine for this model, {@code null} for the {@code engine} setting
 * @param memoryBytes memory the loaded model is charged against {@code memory.budget.bytes}; 0 means estimate it
 *                    from the weights size (3x, for weights plus runtime buffers)
 * @param related     models worth preloading after this one is requested
 */
public record ModelSpec(String name, String location, String engine, long memoryBytes, List<String> related) {
    public ModelSpec {
        related = related == null ? List.of() : List.copyOf(related);
    }

    public static ModelSpec classpath(String name) {
        return new ModelSpec(name, "classpath:models/" + name, null, 0, List.of());
    }
}
