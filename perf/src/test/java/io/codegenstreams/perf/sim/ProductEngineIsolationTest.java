package io.codegenstreams.perf.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.inference.ConfigException;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngines;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulated backends exist only for {@code codegen perf}, which passes them to the engine explicitly: the
 * product's engine, created on perf's classpath (as the launcher does), must not find them by ServiceLoader.
 */
class ProductEngineIsolationTest {

  @Test
  void shouldNotOfferTheSimulatedGpuWhenTheProductEngineIsCreatedOnPerfsClasspath() {
    EngineConfig config = new EngineConfig(Map.of(EngineConfig.ENGINE, SimulatedGpuProvider.NAME,
        EngineConfig.MODELS, "java-coder-tiny", EngineConfig.DEFAULT_MODEL, "java-coder-tiny"));
    assertThatThrownBy(() -> InferenceEngines.create(config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("no such engine")
        .satisfies(e -> assertThat(e.getMessage().substring(e.getMessage().indexOf("known engines")))
            .doesNotContainIgnoringCase(SimulatedGpuProvider.NAME).doesNotContainIgnoringCase(ZeroCostProvider.NAME));
  }
}
