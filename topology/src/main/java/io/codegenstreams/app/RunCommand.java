package io.codegenstreams.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Start the whole system and serve requests until Ctrl-C.",
        "Without --bootstrap-servers it starts an embedded Kafka broker (KRaft) and schema registry on 127.0.0.1,",
        "keeping their data under --data-dir; with it, it uses that cluster and --schema-registry-url."})
final class RunCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".codegen-data",
      description = "Where the embedded broker and the pipeline keep their state (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--broker-port", defaultValue = "9092", description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
  int brokerPort;

  @Option(names = "--registry-port", defaultValue = "8081", description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(names = "--partitions", defaultValue = "12", description = "Partitions of the requests and results topics when they are created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--idempotency-window", defaultValue = "PT24H", converter = DurationConverter.class,
      description = "How long a result answers repeats of its request id: the results topic's retention (default: 24h).")
  Duration idempotencyWindow;

  @Option(names = "--metrics-port", defaultValue = "9404",
      description = "Port of the /metrics (Prometheus) and /health/live, /health/ready endpoint (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address the metrics and health endpoint binds; 0.0.0.0 in a container (default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Mixin GatewayOptions gateway;

  @Option(names = "--gateway", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Start the OpenAI-compatible HTTP gateway (default: on; --no-gateway runs without it).")
  boolean gatewayOn;

  @Option(names = "--pipeline", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Start the engine and the pipeline (default: on). --no-pipeline runs the embedded broker and registry"
          + " alone, so the pipeline's consumer group can be reset for a replay (README: Replay).")
  boolean pipelineOn;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (connection.external() && connection.schemaRegistryUrl == null) {
      throw new ParameterException(spec.commandLine(), "--bootstrap-servers needs --schema-registry-url as well");
    }
    long started = System.nanoTime();
    CodegenStack.Settings settings = new CodegenStack.Settings(connection, dataDir, brokerPort, registryPort,
        partitions, idempotencyWindow, connection.settings(), metricsHost, metricsPort, gatewayOn ? gateway : null, pipelineOn);
    CodegenStack stack = new CodegenStack(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    // Registered before anything starts: a SIGTERM during start-up (the model's warm-up, the first rebalance) stops
    // what is running, waiting for native work, instead of letting the JVM exit underneath it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "codegen-shutdown"));
    try {
      stack.start();
    } catch (CodegenStack.StackClosedException e) {
      stopped.await();
      return 0;
    }
    printBanner(spec.commandLine().getOut(), stack, Duration.ofNanos(System.nanoTime() - started));
    stopped.await();
    return 0;
  }

  private static String gatewayHost(CodegenStack stack) {
    return "0.0.0.0".equals(stack.gatewayHost()) ? "127.0.0.1" : stack.gatewayHost();
  }

  /** The connection flags a client command needs to reach this stack; none for the default ports. */
  static String clientFlags(CodegenStack stack) {
    StringBuilder flags = new StringBuilder();
    if (!ConnectionOptions.DEFAULT_BOOTSTRAP.equals(stack.bootstrapServers())) {
      flags.append(" --bootstrap-servers ").append(stack.bootstrapServers());
    }
    if (!ConnectionOptions.DEFAULT_REGISTRY.equals(stack.schemaRegistryUrl())) {
      flags.append(" --schema-registry-url ").append(stack.schemaRegistryUrl());
    }
    return flags.toString();
  }

  private static void printBanner(PrintWriter out, CodegenStack stack, Duration startup) {
    out.printf("codegen-streams is up in %.1f s%n", startup.toMillis() / 1000.0);
    out.printf("  kafka            %s%s%n", stack.bootstrapServers(), stack.embedded() ? "  (embedded, KRaft)" : "");
    out.printf("  schema registry  %s%s%n", stack.schemaRegistryUrl(), stack.embedded() ? "  (embedded)" : "");
    out.printf("  topics           %s%n", String.join(", ", stack.topics()));
    if (stack.pipeline() == null) {
      out.printf("  pipeline         not started (--no-pipeline): reset its consumer group now, e.g.%n"
          + "                   ./codegen kafka-consumer-groups --bootstrap-server %s --group %s --topic %s"
          + " --reset-offsets --to-earliest --execute%n", stack.bootstrapServers(), stack.applicationId(),
          stack.requestsTopic());
      out.println("Ctrl-C stops it.");
      out.flush();
      return;
    }
    out.printf("  pipeline         %s, engine ready (%s)%n", stack.pipeline().state(), stack.engine().stats().loadedModels());
    out.printf("  metrics          %s/metrics  (probes: /health/live, /health/ready)%n", stack.metricsServer().url());
    if (stack.gateway() != null) {
      out.printf("  gateway          http://%s:%d/v1  (OpenAI-compatible: /v1/completions, /v1/models)%n",
          gatewayHost(stack), stack.gateway().port());
    }
    out.printf("  data             %s%n", stack.dataDir());
    out.println();
    out.println("Try, in another terminal:");
    String where = clientFlags(stack);
    out.println("  ./codegen submit" + where + " \"public int max(int a, int b) {\"");
    out.println("  ./codegen tail" + where);
    if (stack.gateway() != null) {
      out.printf("  curl -s http://%s:%d/v1/completions -H 'Content-Type: application/json' \\%n"
          + "       -d '{\"prompt\": \"public int max(int a, int b) {\", \"max_tokens\": 32}'%n", gatewayHost(stack),
          stack.gateway().port());
    }
    out.println("Ctrl-C stops it.");
    out.flush();
  }
}
