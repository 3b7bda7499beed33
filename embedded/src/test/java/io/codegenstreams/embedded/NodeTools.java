package io.codegenstreams.embedded;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node.js programs of the interoperability tests (clients not written here: kafkajs' registry client,
 * the openai SDK). Shared with the topology module's tests through this module's test jar.
 */
public final class NodeTools {
  private NodeTools() {}

  /**
   * Skips the calling test, saying what to install, when {@code node} or {@code npm} is missing; runs
   * {@code npm ci} when the project's modules are not installed yet.
   */
  public static void requireProject(Path project, String dependency) throws Exception {
    requireTool("node", "--version");
    requireTool("npm", "--version");
    if (!Files.isDirectory(project.resolve("node_modules").resolve(dependency))) {
      run(project, List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    }
  }

  private static void requireTool(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        fail(command[0] + " is on the PATH but '" + String.join(" ", command) + "' failed");
      }
    } catch (IOException e) {
      // skipped, not failed, on a machine without it: a newcomer's `mvn verify` needs only a JDK and Maven
      org.junit.jupiter.api.Assumptions.abort("'" + command[0] + "' was not found on the PATH. This interop test"
          + " needs Node.js 20+ and npm (CI installs them); install them to run it.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted", e);
    }
  }

  /** Runs {@code command} in {@code dir}; fails with its output when it fails or outlives the timeout. */
  public static String run(Path dir, List<String> command, int timeoutSeconds) throws Exception {
    Path log = Files.createTempFile("node", ".log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    if (!finished) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s:\n" + output);
    }
    if (process.exitValue() != 0) {
      fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
    }
    return output;
  }
}
