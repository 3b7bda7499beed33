package io.codegenstreams.topology;

import io.codegenstreams.app.CodegenCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code codegen} command in a separate JVM, as an operator runs it: for tests that cross the process boundary. */
final class CodegenProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CodegenProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static CodegenProcess start(Path logDir, String name, String... args) throws IOException {
    return start(logDir, logDir, name, args);
  }

  /** Starts it in {@code workDir}, where the JVM would write an {@code hs_err_pid*.log} if it crashed. */
  static CodegenProcess start(Path workDir, Path logDir, String name, String... args) throws IOException {
    Files.createDirectories(logDir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=log4j2-cli.xml",
        "-cp", System.getProperty("java.class.path"),
        CodegenCommand.class.getName()));
    command.addAll(List.of(args));
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new CodegenProcess(process, out, err);
  }

  /** Waits until stdout contains {@code text}; fails with both outputs when the process dies or time runs out. */
  void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
    await(text, timeout, false);
  }

  /** Waits until the log (stderr) contains {@code text}. */
  void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
    await(text, timeout, true);
  }

  private void await(String text, Duration timeout, boolean log) throws IOException, InterruptedException {
    Files.createDirectories(stdout.getParent());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if ((log ? stderr() : stdout()).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("codegen exited with " + process.exitValue() + " before printing '" + text + "'\n"
            + stdout() + "\n" + stderr());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("codegen did not print '" + text + "' within " + timeout + "\n" + stdout() + "\n" + stderr());
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** The number of requests the engine of a stopped {@code codegen run} reports it served, read from its log. */
  static int servedRequests(String log) {
    Matcher m = Pattern.compile("engine served (\\d+) requests").matcher(log);
    if (!m.find()) {
      throw new AssertionError("no engine count in the log:\n" + log);
    }
    return Integer.parseInt(m.group(1));
  }

  /** SIGKILL of the process and everything it started: no shutdown hook runs, nothing is flushed or committed. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as Ctrl-C or Kubernetes would stop it; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("codegen did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
