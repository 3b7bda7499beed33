package io.codegenstreams.perf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.perf.sim.SimulatedGpuProvider;
import io.codegenstreams.perf.sim.ZeroCostProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An engine the comparison runs on: its label in the outputs, the model it serves, the settings that select it,
 * and the model's context length (prompts are shortened to fit it).
 *
 * @param label    {@code cpu-onnx}, {@code simulated-gpu} or {@code zero-cost}
 * @param model    the model name requests are served by (the engine's default model)
 * @param settings engine settings selecting the backend and model
 * @param context  the model's context length in tokens
 * @param note     printed with the results (e.g. a fallback to a smaller model)
 */
public record EngineUnderTest(String label, String model, Map<String, Object> settings, int context, String note) {
  public static final String CPU = "cpu-onnx";
  public static final String SIMULATED_GPU = "simulated-gpu";
  public static final String ZERO_COST = "zero-cost";
  static final String DEFAULT_CPU_MODEL = "java-coder-3m";
  static final String FALLBACK_CPU_MODEL = "java-coder-tiny";

  /** The real default model on ONNX Runtime (CPU), or the shipped tiny model when the default is not there yet. */
  public static EngineUnderTest cpu() {
    boolean haveDefault = resource("models/" + DEFAULT_CPU_MODEL + "/model.onnx") != null;
    String model = haveDefault ? DEFAULT_CPU_MODEL : FALLBACK_CPU_MODEL;
    String note = haveDefault ? "" : "the default model " + DEFAULT_CPU_MODEL + " is not built yet: measured "
        + FALLBACK_CPU_MODEL + " instead";
    Map<String, Object> s = new HashMap<>();
    s.put(EngineConfig.ENGINE, EngineConfig.ONNX_RUNTIME);
    s.put(EngineConfig.MODELS, model);
    s.put(EngineConfig.DEFAULT_MODEL, model);
    return new EngineUnderTest(CPU, model, s, contextOf(model), note);
  }

  /** The engine an {@code --engines} label names: {@code simulated-gpu} or {@code cpu-onnx}. */
  public static EngineUnderTest byLabel(String label) {
    return switch (label) {
      case SIMULATED_GPU -> simulatedGpu();
      case CPU -> cpu();
      default -> throw new IllegalArgumentException("unknown engine " + label + " (simulated-gpu, cpu-onnx)");
    };
  }

  public static EngineUnderTest simulatedGpu() {
    return simulated(SIMULATED_GPU, "simulated-gpu-7b", SimulatedGpuProvider.NAME);
  }

  public static EngineUnderTest zeroCost() {
    return simulated(ZERO_COST, "zero-cost", ZeroCostProvider.NAME);
  }

  private static EngineUnderTest simulated(String label, String model, String engine) {
    Map<String, Object> s = new HashMap<>();
    s.put(EngineConfig.ENGINE, engine);
    s.put(EngineConfig.MODELS, model);
    s.put(EngineConfig.DEFAULT_MODEL, model);
    s.put("model." + model + ".memory.bytes", 1L << 30); // no weights to size
    return new EngineUnderTest(label, model, s, 4096, "");
  }

  /** Starts an engine of this kind with a serving configuration's settings on top (loads and warms the model). */
  public InferenceEngine start(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(settings);
    all.putAll(overrides);
    return InferenceEngines.create(new EngineConfig(all), List.of(new SimulatedGpuProvider(), new ZeroCostProvider()));
  }

  public List<String> models() {
    return List.of(model);
  }

  private static java.net.URL resource(String path) {
    return EngineUnderTest.class.getClassLoader().getResource(path);
  }

  private static int contextOf(String model) {
    try (InputStream in = EngineUnderTest.class.getClassLoader().getResourceAsStream("models/" + model + "/model.json")) {
      if (in == null) {
        return 256;
      }
      JsonNode n = new ObjectMapper().readTree(in);
      return n.path("context_length").asInt(256);
    } catch (IOException e) {
      return 256;
    }
  }
}
