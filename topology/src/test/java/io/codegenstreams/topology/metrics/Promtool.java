package io.codegenstreams.topology.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}; CI installs it). Without it, the test that
 * needs it is skipped with the reason.
 */
final class Promtool {
  record Result(int exitCode, String output) {}

  private Promtool() {}

  /** @param stdin written to the tool's standard input, or {@code null} for none */
  static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      // skipped, not failed, on a machine without it: a newcomer's `mvn verify` needs only a JDK and Maven
      org.junit.jupiter.api.Assumptions.abort("promtool is not installed: install Debian's 'prometheus' package"
          + " (apt-get install prometheus), which ships /usr/bin/promtool; .ci/run does this");
      throw new AssertionError("unreachable", e);
    }
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), output);
  }
}
