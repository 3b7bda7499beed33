package io.codegenstreams.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.schemas.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
  @TempDir Path dir;

  @Test
  void shouldGrantTheKeysLaneAndRateWhenTheBearerTokenIsKnown() throws IOException {
    ApiKeys keys = ApiKeys.load(Files.writeString(dir.resolve("keys"), "# comment\nk-high HIGH 2\n\nk-low low\n"));

    assertThat(keys.authorize("Bearer k-high")).hasValueSatisfying(g -> {
      assertThat(g.lane()).isEqualTo(Priority.HIGH);
      assertThat(g.requestsPerSecond()).isEqualTo(2);
    });
    assertThat(keys.authorize("bearer k-low")).hasValueSatisfying(g -> assertThat(g.lane()).isEqualTo(Priority.LOW));
    assertThat(keys.authorize("Bearer nope")).isEmpty();
    assertThat(keys.authorize(null)).isEmpty();
    assertThat(keys.authorize("k-high")).as("not a bearer token").isEmpty();
  }

  @Test
  void shouldRefuseCallsBeyondTheRateWhenTheBucketIsEmpty() {
    ApiKeys.RateLimiter limiter = new ApiKeys.RateLimiter(2);
    long t = System.nanoTime();
    assertThat(limiter.tryAcquire(t)).isTrue();
    assertThat(limiter.tryAcquire(t)).isTrue();
    assertThat(limiter.tryAcquire(t)).as("a burst of one second's worth").isFalse();
    assertThat(limiter.tryAcquire(t + 500_000_000L)).as("half a second later: one more").isTrue();
  }

  @Test
  void shouldNameTheLineAndTheOptionWhenTheFileIsMalformed() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad"), "k1 HIGH\nk2 URGENT\n");
    assertThatThrownBy(() -> ApiKeys.load(bad)).hasMessageContaining("line 2").hasMessageContaining("--api-keys");
  }
}
