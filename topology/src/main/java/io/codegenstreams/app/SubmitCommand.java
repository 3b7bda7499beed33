package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.serde.AvroJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Produce one request and wait for its result by request id, then print it.",
        "Exit code 0 when the result is OK, 1 when it is not or when no result arrives within --timeout."})
final class SubmitCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT",
      description = "The code to complete (or --prompt-file).")
  String prompt;

  @Option(names = "--prompt-file", paramLabel = "FILE",
      description = "Read the prompt from FILE (UTF-8), or from standard input with '-': for prompts too long for a"
          + " command line.")
  String promptFile;

  @Option(names = "--priority", defaultValue = "NORMAL", description = "HIGH, NORMAL or LOW (default: ${DEFAULT-VALUE}).")
  Priority priority;

  @Option(names = "--model", description = "Model name (default: the pipeline's default model).")
  String model;

  @Option(names = "--max-new-tokens", defaultValue = "64", description = "Upper bound on generated tokens (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens; 0 = off.")
  int topK;

  @Option(names = "--suffix", description = "The code after the cursor: fill-in-the-middle (models with FIM tokens).")
  String suffix;

  @Option(names = "--stop", description = "A stop sequence (repeatable).")
  List<String> stop = new ArrayList<>();

  @Option(names = "--request-id", description = "Idempotency key (default: a random UUID). Repeating an id returns the stored result.")
  String requestId;

  @Option(names = "--deadline", converter = DurationConverter.class,
      description = "Answer TIMEOUT if not served within this long (default: the lane's deadline).")
  Duration deadline;

  @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the whole result record as JSON.")
  boolean json;

  @Option(names = "--stream", description = "Print the completion as it is generated (from the stream topic), then"
      + " the result's facts line.")
  boolean stream;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  /** The prompt from the argument or from {@code --prompt-file} (exactly one of them). */
  String prompt() throws java.io.IOException {
    if ((prompt == null) == (promptFile == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give the prompt either as an argument or with --prompt-file FILE (- for standard input), not "
              + (prompt == null ? "neither" : "both"));
    }
    if (prompt != null) {
      return prompt;
    }
    if (promptFile.equals("-")) {
      return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(promptFile), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--prompt-file " + promptFile
          + ": no such file");
    }
  }

  @Override
  public Integer call() throws Exception {
    String text = prompt();
    String id = requestId != null ? requestId : UUID.randomUUID().toString();
    try (ResultWaiter waiter = ResultWaiter.open(connection, connection.resultsTopic(), id);
         RequestProducer producer = RequestProducer.open(connection)) {
      // created_at is stamped once the clients are connected, so end-to-end latency measures the pipeline
      Instant now = Instant.now();
      CodeGenRequest request = CodeGenRequest.newBuilder()
          .setRequestId(id)
          .setPrompt(text)
          .setModel(model)
          .setPriority(priority)
          .setMaxNewTokens(maxNewTokens)
          .setTemperature(temperature)
          .setTopK(topK)
          .setStop(stop)
          .setSuffix(suffix)
          .setDeadline(deadline == null ? null : now.plus(deadline))
          .setCreatedAt(now)
          .setStream(stream)
          .build();
      ChunkReader chunks = stream ? ChunkReader.open(connection, connection.streamTopic(), id) : null;
      // Ctrl-C from here on cancels the request: the editor's "abort" for a completion nobody wants any more. The hook
      // is in place before the request is sent, so no moment exists where the request runs and Ctrl-C would not
      // cancel it (a cancel that arrives first is remembered by the pipeline).
      Thread cancelOnInterrupt = new Thread(() -> cancelQuietly(producer, id), "codegen-submit-cancel");
      Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
      PrintWriter out = spec.commandLine().getOut();
      Optional<CodeGenResult> result;
      try {
        producer.send(connection.requestsTopic(), request);
        result = chunks == null ? waiter.await(timeout) : streamUntilResult(chunks, waiter, out);
      } finally {
        removeHook(cancelOnInterrupt);
        if (chunks != null) {
          chunks.close();
        }
      }
      if (result.isEmpty()) {
        spec.commandLine().getErr().printf("No result for request %s within %s. Is the pipeline running (./codegen run)?"
            + " Wait longer with --timeout.%n", id, timeout);
        return 1;
      }
      CodeGenResult r = result.get();
      out.println(json ? AvroJson.toJson(r) : stream && !r.getCached() ? ResultText.facts(r) : ResultText.describe(r));
      out.flush();
      return r.getStatus() == ResultStatus.OK ? 0 : 1;
    }
  }

  /** Prints chunks as they arrive until the result is read (and the last chunk, or a second past the result). */
  private Optional<CodeGenResult> streamUntilResult(ChunkReader chunks, ResultWaiter waiter, PrintWriter out) {
    long end = System.nanoTime() + timeout.toNanos();
    Optional<CodeGenResult> result = Optional.empty();
    while (result.isEmpty() && System.nanoTime() < end) {
      print(chunks.poll(Duration.ofMillis(20)), out);
      result = waiter.poll(Duration.ofMillis(20));
    }
    long drainEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (result.isPresent() && !result.get().getCached() && !chunks.done() && System.nanoTime() < drainEnd) {
      print(chunks.poll(Duration.ofMillis(50)), out);
    }
    if (!json) {
      out.println();
    }
    return result;
  }

  private void print(List<CodeGenChunk> chunks, PrintWriter out) {
    if (json) {
      chunks.forEach(c -> out.println(AvroJson.toJson(c)));
    } else {
      chunks.forEach(c -> out.print(c.getText()));
    }
    out.flush();
  }

  private void cancelQuietly(RequestProducer producer, String id) {
    try {
      producer.cancel(connection.requestsTopic(), id);
      spec.commandLine().getErr().printf("%ninterrupted: sent a cancel of request %s%n", id);
    } catch (Exception | Error e) {
      spec.commandLine().getErr().printf("%ninterrupted: could not send a cancel of request %s: %s%n", id, e);
    }
    spec.commandLine().getErr().flush();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting and the hook runs (or ran): nothing to undo
    }
  }
}
