package io.codegenstreams.app;

import io.codegenstreams.gateway.CompletionGateway;
import io.codegenstreams.gateway.GatewaySettings;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.topology.TopologyConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = {"Serve the OpenAI-compatible HTTP API (/v1/completions, /v1/models, /health) in front of a running"
        + " pipeline: an existing cluster (--bootstrap-servers, --schema-registry-url) or the one ./codegen run"
        + " started. Stateless: start as many as you like; any of them answers any call.",
        "Give it the --config file of the pipeline, for its topic names and declared models. Ctrl-C stops it."})
final class GatewayCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Mixin GatewayOptions gateway;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TopologyConfig topics = connection.topology();
    EngineConfig engine = new EngineConfig(connection.settings());
    Map<String, Object> client = connection.clientProperties();
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
    CompletionGateway running = CompletionGateway.start(new GatewaySettings(gateway.host(), gateway.port(),
        topics.getString(TopologyConfig.REQUESTS_TOPIC), topics.getString(TopologyConfig.RESULTS_TOPIC),
        topics.getString(TopologyConfig.STREAM_TOPIC), client, connection.schemaRegistryUrl(),
        List.copyOf(engine.models().keySet()), engine.getString(EngineConfig.DEFAULT_MODEL), gateway.apiKeys(),
        gateway.maxWait(), () -> true));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "codegen-gateway-shutdown"));
    spec.commandLine().getOut().printf("gateway listening on http://%s:%d/v1 (Ctrl-C stops it)%n", gateway.host(),
        running.port());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
