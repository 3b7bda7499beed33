package io.codegenstreams.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FinishedResultsTest {
  private static final long RETENTION_MS = 60_000;

  private final FinishedResults finished = new FinishedResults();
  private final Set<String> visible = new HashSet<>();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void forget(long nowMs) {
    finished.forget(nowMs, RETENTION_MS, visible::contains);
  }

  @Test
  void shouldForgetOnlyResultsTheStoreShowsWhenRetentionHasNotPassed() {
    finished.add("a", 0, bytes("A"));
    finished.add("b", 1, bytes("B"));
    visible.add("a");

    forget(10);

    assertThat(finished.get("a")).isNull();
    assertThat(finished.get("b")).isEqualTo(bytes("B"));
  }

  @Test
  void shouldForgetResultsOlderThanRetentionWhenTheStoreNeverShowsThem() {
    finished.add("lost", 0, bytes("L"));
    finished.add("recent", RETENTION_MS, bytes("R"));

    forget(RETENTION_MS + 1);

    assertThat(finished.get("lost")).isNull();
    assertThat(finished.get("recent")).isNotNull();
  }

  @Test
  void shouldStopLookingAfterAFewMissesWhenOldResultsAreStillInFlight() {
    for (int i = 0; i < 40; i++) {
      finished.add("id-" + i, i, bytes("r" + i));
    }
    visible.add("id-39"); // beyond the scan: a pass must not look up every finished id again

    forget(100);

    assertThat(finished.get("id-39")).isNotNull();
    assertThat(finished.isEmpty()).isFalse();
  }

  @Test
  void shouldForgetEverythingWhenCleared() {
    finished.add("a", 0, bytes("A"));
    finished.add("b", 0, bytes("B"));
    finished.clear();

    assertThat(finished.isEmpty()).isTrue();
    assertThat(finished.get("a")).isNull();
    assertThat(finished.get("b")).isNull();
  }
}
