package io.codegenstreams.perf.bench;

import io.codegenstreams.inference.EngineConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The three serving designs compared, as engine settings on the same engine and the same pipeline:
 * <ul>
 *   <li>{@code sync}: one request at a time, batch 1 (the article's synchronous design);</li>
 *   <li>{@code basic-async}: static batches of fixed size 8 started after at most 50 ms, FIFO in one lane (the
 *   article's basic async queue);</li>
 *   <li>{@code dynamic}: the engine's defaults, i.e. continuous batching, adaptive batch cap (AIMD against
 *   {@code latency.target.ms}) up to {@code batch.max.size}, priority lanes with aging (codegen-streams as
 *   designed). {@code --dynamic-setting} overrides them, to explore.</li>
 * </ul>
 */
public enum ServingConfig {
  SYNC("sync", false),
  BASIC_ASYNC("basic-async", false),
  DYNAMIC("dynamic", true);

  private final String label;
  private final boolean lanes;

  ServingConfig(String label, boolean lanes) {
    this.label = label;
    this.lanes = lanes;
  }

  public String label() {
    return label;
  }

  /** Whether requests keep their lane (HIGH/NORMAL/LOW); otherwise all are sent as NORMAL, served FIFO. */
  public boolean lanes() {
    return lanes;
  }

  /**
   * Engine settings of this design.
   *
   * @param dynamicOverrides settings applied on top of the engine's defaults for {@code dynamic} (usually none)
   */
  public Map<String, Object> engineSettings(Map<String, String> dynamicOverrides) {
    Map<String, Object> m = new HashMap<>();
    switch (this) {
      case SYNC -> {
        m.put(EngineConfig.BATCHING_MODE, EngineConfig.STATIC);
        m.put(EngineConfig.BATCH_MAX_SIZE, 1);
        m.put(EngineConfig.BATCH_MAX_WAIT_MS, 0L);
        m.put(EngineConfig.BATCHING_ADAPTIVE, false);
      }
      case BASIC_ASYNC -> {
        m.put(EngineConfig.BATCHING_MODE, EngineConfig.STATIC);
        m.put(EngineConfig.BATCH_MAX_SIZE, 8);
        m.put(EngineConfig.BATCH_MAX_WAIT_MS, 50L);
        m.put(EngineConfig.BATCHING_ADAPTIVE, false);
      }
      case DYNAMIC -> {
        m.put(EngineConfig.BATCHING_MODE, EngineConfig.CONTINUOUS);
        m.put(EngineConfig.BATCHING_ADAPTIVE, true);
        m.putAll(dynamicOverrides);
      }
    }
    return m;
  }

  public static ServingConfig byLabel(String label) {
    for (ServingConfig c : values()) {
      if (c.label.equalsIgnoreCase(label.trim())) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown configuration " + label + " (sync, basic-async, dynamic)");
  }
}
