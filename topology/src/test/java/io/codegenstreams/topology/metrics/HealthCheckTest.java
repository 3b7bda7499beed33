package io.codegenstreams.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.Priority;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HealthCheckTest {
  private final FakeEngine engine = new FakeEngine();
  private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>();
  private final HealthCheck check =
      new HealthCheck(engine, Map.of(Priority.HIGH, 4, Priority.NORMAL, 16, Priority.LOW, 16), state::get);

  @Test
  void shouldBeReadyWhenTheModelIsWarmStreamsRunsAndNoQueueIsFull() {
    engine.ready.complete(null);
    state.set(KafkaStreams.State.RUNNING);
    engine.stats = FakeEngine.stats(Map.of(Priority.HIGH, 3, Priority.LOW, 15), 8, List.of("java-coder-tiny"));

    Health health = check.readiness();

    assertThat(health.up()).isTrue();
    assertThat(health.httpStatus()).isEqualTo(200);
    assertThat(health.toJson()).isEqualTo("{\"status\":\"UP\",\"reason\":\"ready\",\"engine_ready\":true,"
        + "\"streams_state\":\"RUNNING\",\"queue_high\":\"3/4\",\"queue_normal\":\"0/16\",\"queue_low\":\"15/16\"}");
  }

  @Test
  void shouldNotBeReadyWhenTheDefaultModelIsStillWarmingUp() {
    state.set(KafkaStreams.State.RUNNING);

    Health health = check.readiness();

    assertThat(health.httpStatus()).isEqualTo(503);
    assertThat(health.reason()).contains("warming up");
  }

  @Test
  void shouldNotBeReadyWhenThePipelineHasNotStarted() {
    engine.ready.complete(null);

    Health health = check.readiness();

    assertThat(health.up()).isFalse();
    assertThat(health.reason()).contains("has not started");
    assertThat(health.details()).containsEntry("streams_state", "NOT_STARTED");
  }

  @ParameterizedTest
  @EnumSource(value = KafkaStreams.State.class, names = "RUNNING", mode = EnumSource.Mode.EXCLUDE)
  void shouldNotBeReadyWhenKafkaStreamsIsNotRunning(KafkaStreams.State notRunning) {
    engine.ready.complete(null);
    state.set(notRunning);

    Health health = check.readiness();

    assertThat(health.up()).isFalse();
    assertThat(health.reason()).contains(notRunning.name());
  }

  @Test
  void shouldNotBeReadyWhenAnEngineQueueIsAtCapacity() {
    engine.ready.complete(null);
    state.set(KafkaStreams.State.RUNNING);
    engine.stats = FakeEngine.stats(Map.of(Priority.HIGH, 4), 32, List.of("java-coder-tiny"));

    Health health = check.readiness();

    assertThat(health.up()).isFalse();
    assertThat(health.reason()).isEqualTo("the engine is saturated: its HIGH queue is at capacity (4/4)");
  }

  @Test
  void shouldStayAliveWhenRebalancingOrSaturated() {
    engine.ready.complete(null);
    state.set(KafkaStreams.State.REBALANCING);
    engine.stats = FakeEngine.stats(Map.of(Priority.HIGH, 4), 32, List.of("java-coder-tiny"));

    assertThat(check.liveness().up()).isTrue();
  }

  @Test
  void shouldNotBeAliveWhenKafkaStreamsFailed() {
    engine.ready.complete(null);
    state.set(KafkaStreams.State.ERROR);

    Health health = check.liveness();

    assertThat(health.up()).isFalse();
    assertThat(health.reason()).contains("ERROR");
  }

  @Test
  void shouldNotBeAliveWhenTheEngineFailedToWarmUp() {
    engine.ready.completeExceptionally(new IllegalStateException("model.onnx is missing"));

    Health live = check.liveness();
    Health ready = check.readiness();

    assertThat(live.up()).isFalse();
    assertThat(live.reason()).contains("model.onnx is missing");
    assertThat(ready.reason()).contains("failed to warm up");
  }

  @Test
  void shouldEscapeTheReasonWhenItHoldsQuotesAndNewlines() {
    Health health = new Health(false, "a \"quoted\"\nline\\", Map.of());

    assertThat(health.toJson()).isEqualTo("{\"status\":\"DOWN\",\"reason\":\"a \\\"quoted\\\"\\nline\\\\\"}");
  }
}
