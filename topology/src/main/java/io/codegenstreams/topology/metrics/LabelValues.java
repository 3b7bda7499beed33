package io.codegenstreams.topology.metrics;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** How enums and durations become label values and observations: lower case, base units (seconds). */
final class LabelValues {
  private LabelValues() {}

  static String lane(Enum<?> lane) {
    return lower(lane);
  }

  static String status(Enum<?> status) {
    return lower(status);
  }

  static double seconds(long millis) {
    return millis / 1_000.0;
  }

  static double secondsFromNanos(long nanos) {
    return nanos / (double) TimeUnit.SECONDS.toNanos(1);
  }

  private static String lower(Enum<?> value) {
    return value == null ? "none" : value.name().toLowerCase(Locale.ROOT);
  }
}
