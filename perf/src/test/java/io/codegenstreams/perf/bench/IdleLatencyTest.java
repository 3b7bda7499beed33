package io.codegenstreams.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.perf.bench.IdleLatency.Sample;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleLatencyTest {

  @Test
  void shouldTakeTheSlowSampleAsP99WhenItStandsForMoreThanOnePercent() {
    IdleLatency idle = IdleLatency.of(List.of(
        new Sample(0.50, 30),
        new Sample(0.45, 50),
        new Sample(0.05, 140)));

    assertThat(idle.p50Ms()).isEqualTo(30);
    assertThat(idle.p99Ms()).isEqualTo(140);
    assertThat(idle.target()).isEqualTo(Duration.ofMillis(280));
  }

  @Test
  void shouldIgnoreASlowSampleWhenItStandsForLessThanOnePercent() {
    IdleLatency idle = IdleLatency.of(List.of(
        new Sample(0.995, 30),
        new Sample(0.005, 140)));

    assertThat(idle.p99Ms()).isEqualTo(30);
  }

  @Test
  void shouldWeighSamplesByTheirShareWhenWeightsDoNotSumToOne() {
    IdleLatency idle = IdleLatency.of(List.of(
        new Sample(1, 10),
        new Sample(3, 20)));

    assertThat(idle.p50Ms()).isEqualTo(20);
  }
}
