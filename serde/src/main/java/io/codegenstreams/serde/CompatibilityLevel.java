package io.codegenstreams.serde;

import java.util.Locale;
import java.util.Optional;

/**
 * A subject's compatibility rule, as in Confluent Schema Registry. BACKWARD: consumers on the new schema read data
 * written with the previous one. FORWARD: consumers on the previous schema read data written with the new one. FULL:
 * both. The {@code _TRANSITIVE} forms check against every earlier version instead of only the latest one.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** The new schema must read data written with earlier ones. */
  public boolean backward() {
    return backward;
  }

  /** Earlier schemas must read data written with the new one. */
  public boolean forward() {
    return forward;
  }

  /** Checked against all earlier versions, not only the latest. */
  public boolean transitive() {
    return transitive;
  }

  /** Parses a level case-insensitively, as the registry's {@code /config} endpoint does. */
  public static Optional<CompatibilityLevel> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
