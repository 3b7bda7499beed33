package io.codegenstreams.gateway;

import io.codegenstreams.schemas.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API keys, one per line: {@code KEY LANE [REQUESTS_PER_SECOND]} ({@code #} starts a comment). A key's calls run in
 * its lane (HIGH, NORMAL or LOW) and at most at its rate (none: unlimited). The file can be a mounted Kubernetes
 * Secret. Keys are compared in constant time and never logged; a key is named in logs by its line number.
 */
public final class ApiKeys {
  /** What a key may do. {@code line} names the key in logs and errors without revealing it. */
  public record Grant(int line, Priority lane, double requestsPerSecond) {}

  private final Map<String, Grant> byKey;
  private final Map<Grant, RateLimiter> limits = new HashMap<>();

  private ApiKeys(Map<String, Grant> byKey) {
    this.byKey = byKey;
    byKey.values().forEach(g -> limits.put(g, new RateLimiter(g.requestsPerSecond())));
  }

  public static ApiKeys load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API keys file " + file + " (--api-keys)", e);
    }
    Map<String, Grant> keys = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 2 || f.length > 3) {
        throw new IllegalArgumentException("API keys file " + file + " line " + (i + 1)
            + ": expected KEY LANE [REQUESTS_PER_SECOND] (--api-keys)");
      }
      Priority lane;
      try {
        lane = Priority.valueOf(f[1].toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("API keys file " + file + " line " + (i + 1) + ": lane must be HIGH,"
            + " NORMAL or LOW (--api-keys)");
      }
      double rate = f.length == 3 ? Double.parseDouble(f[2]) : 0;
      keys.put(f[0], new Grant(i + 1, lane, rate));
    }
    return new ApiKeys(keys);
  }

  /** The grant of the bearer token in an {@code Authorization} header, if it is a known key. */
  public Optional<Grant> authorize(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    Grant found = null;
    for (Map.Entry<String, Grant> e : byKey.entrySet()) {
      if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Takes one call from the key's rate; false when it is spent for now. */
  public boolean tryAcquire(Grant grant) {
    return limits.get(grant).tryAcquire(System.nanoTime());
  }

  public int size() {
    return byKey.size();
  }

  /** A token bucket holding one second of the rate (at least one call). */
  static final class RateLimiter {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    RateLimiter(double perSecond) {
      this.perNano = perSecond / 1e9;
      this.capacity = Math.max(1, perSecond);
      this.tokens = capacity;
      this.last = System.nanoTime();
    }

    synchronized boolean tryAcquire(long now) {
      if (perNano <= 0) {
        return true;
      }
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
