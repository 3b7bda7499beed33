package io.codegenstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.TopologyConfig;
import io.codegenstreams.topology.metrics.MetricsServer;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks the Kubernetes manifests under {@code k8s/} against the code they deploy, for what can drift without a
 * cluster noticing until a rollout: property keys and values (the application ignores unknown keys silently), the
 * {@code codegen run} options, probe paths and ports, the GPU and CPU overlays' settings, memory arithmetic and the
 * alert rules copied into the PrometheusRule. The source files are read directly; when {@code kubectl} is on the
 * PATH the overlays are also rendered with {@code kubectl kustomize} and the rendered objects checked.
 */
class K8sManifestsTest {
  private static final Path K8S = Path.of(System.getProperty("user.dir")).resolveSibling("k8s");
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final String CONTAINER = "codegen";
  private static final String CONFIG_FILE = "codegen.properties";
  private static final Pattern MODEL_KEY = Pattern.compile("model\\.(.+)\\.(location|engine|memory\\.bytes|related)");
  private static final Pattern JVM_SIZE = Pattern.compile("-(Xmx|XX:MaxDirectMemorySize=)(\\d+)([kKmMgG]?)");
  /** Native memory outside heap and direct buffers the manifests' comments budget for (ONNX Runtime, RocksDB, ...). */
  private static final long NATIVE_RESERVE = 2L << 30;

  // ---------------------------------------------------------------- properties files (--config)

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
  void shouldOnlyUseKnownKeysWhenConfigFileIsRead(String variant) throws IOException {
    Map<String, String> props = configProperties(variant);
    EngineConfig engine = new EngineConfig(props); // parses and validates every engine value; fails naming the key
    new TopologyConfig(props);                     // same for the pipeline keys

    Set<String> known = new HashSet<>(TopologyConfig.CONFIG.names());
    known.addAll(EngineConfig.configDef().keys().keySet());
    List<String> unknown = new ArrayList<>();
    for (String key : props.keySet()) {
      Matcher m = MODEL_KEY.matcher(key);
      boolean perModel = m.matches() && engine.models().containsKey(m.group(1));
      if (!known.contains(key) && !perModel) {
        unknown.add(key);
      }
    }
    assertThat(unknown).as("keys in k8s/%s/%s that neither TopologyConfig nor EngineConfig reads", variant, CONFIG_FILE)
        .isEmpty();
  }

  @Test
  void shouldKeepPipelineSettingsIdenticalWhenOverlaysReplaceTheConfigFile() throws IOException {
    Map<String, String> base = pipelineKeys(configProperties("base"));
    assertThat(base).containsKey(TopologyConfig.APPLICATION_ID);
    assertThat(pipelineKeys(configProperties("overlays/cpu"))).isEqualTo(base);
    assertThat(pipelineKeys(configProperties("overlays/gpu"))).isEqualTo(base);
  }

  @Test
  void shouldRunTensorRtWithoutFallbackWhenGpuOverlayIsUsed() throws IOException {
    EngineConfig engine = new EngineConfig(configProperties("overlays/gpu"));
    Map<String, String> props = configProperties("overlays/gpu");

    assertThat(engine.getString(EngineConfig.ENGINE)).isEqualTo(EngineConfig.TENSOR_RT);
    assertThat(engine.getBoolean(EngineConfig.ENGINE_FALLBACK)).isFalse();
    assertThat(props).as("the GPU memory budget is sized explicitly, not left at the default")
        .containsKeys(EngineConfig.MEMORY_BUDGET_BYTES, EngineConfig.KV_BUDGET_BYTES, EngineConfig.TENSORRT_CACHE_DIR);
    assertThat(engine.getLong(EngineConfig.KV_BUDGET_BYTES) * 5 / 4).as("one KV bank is one direct buffer (<2 GiB)")
        .isLessThan(Integer.MAX_VALUE);

    JsonNode patch = yaml(K8S.resolve("overlays/gpu/statefulset-gpu.yaml"));
    JsonNode pod = patch.at("/spec/template/spec");
    JsonNode container = container(pod);
    assertThat(container.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
    assertThat(container.at("/resources/requests/nvidia.com~1gpu").asText()).isEqualTo("1");
    assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.present").asText()).isEqualTo("true");
    assertThat(pod.get("tolerations")).anySatisfy(t -> {
      assertThat(t.path("key").asText()).isEqualTo("nvidia.com/gpu");
      assertThat(t.path("effect").asText()).isEqualTo("NoSchedule");
    });

    // tensorrt.cache.dir is the mount of a volume claim template the overlay adds (plans survive restarts)
    String trtVolume = mountNameAt(container, engine.getString(EngineConfig.TENSORRT_CACHE_DIR));
    assertThat(trtVolume).as("a volume mounted at tensorrt.cache.dir").isNotNull();
    String kustomization = Files.readString(K8S.resolve("overlays/gpu/kustomization.yaml"));
    JsonNode jsonPatch = YAML.readTree(jsonPatchText(yaml(K8S.resolve("overlays/gpu/kustomization.yaml"))));
    assertThat(jsonPatch).anySatisfy(op -> {
      assertThat(op.path("path").asText()).isEqualTo("/spec/volumeClaimTemplates/-");
      assertThat(op.at("/value/metadata/name").asText()).isEqualTo(trtVolume);
    });
    assertThat(kustomization).contains("behavior: replace");
  }

  @Test
  void shouldSizeCpuRequestsForOnnxThreadsWhenCpuOverlayIsUsed() throws IOException {
    EngineConfig engine = new EngineConfig(configProperties("overlays/cpu"));
    JsonNode resources = container(yaml(K8S.resolve("overlays/cpu/statefulset-cpu.yaml")).at("/spec/template/spec"))
        .path("resources");

    assertThat(engine.getString(EngineConfig.ENGINE)).isEqualTo(EngineConfig.ONNX_RUNTIME);
    int threads = engine.getInt(EngineConfig.INTRA_OP_THREADS);
    assertThat(threads).as("explicit intra.op.threads (0 would follow the node, not the request)").isPositive();
    double cpus = cpus(resources.at("/requests/cpu").asText());
    assertThat(cpus).as("CPU request covers the ONNX Runtime threads plus the stream thread").isGreaterThanOrEqualTo(threads + 1);
    assertThat(resources.at("/limits/cpu").asText()).as("Guaranteed QoS").isEqualTo(resources.at("/requests/cpu").asText());
    assertThat(resources.at("/limits/memory").asText()).isEqualTo(resources.at("/requests/memory").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
  void shouldFitHeapAndKvCacheInTheLimitWhenJvmOptionsAreSet(String variant) throws IOException {
    EngineConfig engine = new EngineConfig(configProperties(variant));
    JsonNode container = effectiveContainer(variant);
    String jvm = env(container, "JAVA_TOOL_OPTIONS");
    long heap = jvmSize(jvm, "Xmx");
    long direct = jvmSize(jvm, "XX:MaxDirectMemorySize=");
    long limit = bytes(container.at("/resources/limits/memory").asText());
    long kvWorstCase = engine.models().size() * engine.getLong(EngineConfig.KV_BUDGET_BYTES) * 5 / 4;

    assertThat(direct).as("MaxDirectMemorySize holds every declared model's KV budget (+25%% headroom)")
        .isGreaterThanOrEqualTo(kvWorstCase);
    assertThat(heap + direct + NATIVE_RESERVE).as("heap + direct + native reserve within the memory limit")
        .isLessThanOrEqualTo(limit);
  }

  // ---------------------------------------------------------------- container args, probes, ports

  @Test
  void shouldOnlyPassRunOptionsWhenContainerArgsAreParsed() throws IOException {
    JsonNode pod = baseStatefulSet().at("/spec/template/spec");
    JsonNode container = container(pod);
    List<String> args = texts(container.get("args"));
    CommandSpec run = CodegenCommand.commandLine().getSubcommands().get("run").getCommandSpec();

    assertThat(args).first().isEqualTo("run");
    for (String arg : args) {
      if (arg.startsWith("-")) {
        assertThat(run.findOption(arg) != null || run.negatedOptionsMap().containsKey(arg))
            .as("option %s of codegen run", arg).isTrue();
      }
    }
    ParseResult parsed = CodegenCommand.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
    assertThat(parsed.commandSpec().name()).isEqualTo("run");
    assertThat(parsed.hasMatchedOption("--bootstrap-servers")).as("an existing cluster, not the embedded one").isTrue();
    assertThat(parsed.hasMatchedOption("--schema-registry-url")).isTrue();
    assertThat(parsed.matchedOptionValue("--metrics-host", "")).isEqualTo("0.0.0.0");

    // every file option points into the volume that holds it
    Path dataDir = parsed.matchedOptionValue("--data-dir", null);
    assertThat(mountNameAt(container, dataDir.toString())).isEqualTo("data");
    assertThat(baseStatefulSet().at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("data");
    Path config = parsed.matchedOptionValue("--config", null);
    assertThat(config.getFileName().toString()).isEqualTo(CONFIG_FILE);
    assertThat(volume(pod, mountNameAt(container, config.getParent().toString())).at("/configMap/name").asText())
        .isEqualTo("codegen-config");
    Path kafkaConfig = parsed.matchedOptionValue("--kafka-config", null);
    assertThat(volume(pod, mountNameAt(container, kafkaConfig.getParent().toString())).at("/secret/secretName").asText())
        .isEqualTo("codegen-kafka-client");
    for (String env : List.of("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL")) {
      assertThat(args).contains("$(" + env + ")");
      assertThat(Files.readString(K8S.resolve("base/kustomization.yaml"))).contains(env + "=");
    }
  }

  @Test
  void shouldProbeTheRealEndpointsWhenProbesAreDeclared() throws IOException {
    JsonNode statefulSet = baseStatefulSet();
    JsonNode pod = statefulSet.at("/spec/template/spec");
    JsonNode container = container(pod);
    CommandSpec run = CodegenCommand.commandLine().getSubcommands().get("run").getCommandSpec();
    ParseResult parsed = CodegenCommand.commandLine().parseArgs(texts(container.get("args")).toArray(String[]::new))
        .subcommand();
    int port = parsed.matchedOptionValue("--metrics-port", MetricsServer.DEFAULT_PORT);

    assertThat(run.findOption("--metrics-port").defaultValue()).isEqualTo(String.valueOf(MetricsServer.DEFAULT_PORT));
    assertThat(port).isEqualTo(MetricsServer.DEFAULT_PORT);
    assertThat(container.get("ports")).singleElement().satisfies(p -> {
      assertThat(p.path("name").asText()).isEqualTo("metrics");
      assertThat(p.path("containerPort").asInt()).isEqualTo(port);
    });
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo(MetricsServer.READY_PATH);
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(MetricsServer.READY_PATH);
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(MetricsServer.LIVE_PATH);
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("metrics");
    }
    long startupWindow = container.at("/startupProbe/periodSeconds").asLong()
        * container.at("/startupProbe/failureThreshold").asLong();
    assertThat(startupWindow).as("startup probe outlasts the process's own wait for the model warm-up")
        .isGreaterThan(new TopologyConfig(Map.of()).getLong(TopologyConfig.STARTUP_TIMEOUT_MS) / 1000);
    assertThat(pod.path("terminationGracePeriodSeconds").asLong()).as("room for a clean Kafka Streams close")
        .isGreaterThan(CodegenPipeline.CLOSE_TIMEOUT.toSeconds());

    JsonNode annotations = statefulSet.at("/spec/template/metadata/annotations");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(port));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(MetricsServer.METRICS_PATH);
    for (String file : List.of("service-metrics.yaml", "service-headless.yaml")) {
      JsonNode service = yaml(K8S.resolve("base").resolve(file));
      assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(port);
      assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("metrics");
      assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean()).as("not-ready pods are scraped too").isTrue();
      assertThat(labels(service.at("/spec/selector"))).isEqualTo(labels(statefulSet.at("/spec/selector/matchLabels")));
    }
  }

  @Test
  void shouldRunAsNonRootWithResourcesWhenPodIsCreated() throws IOException {
    JsonNode pod = baseStatefulSet().at("/spec/template/spec");
    JsonNode container = container(pod);

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(mountNameAt(container, "/tmp")).as("writable /tmp for native libraries").isNotNull();
    assertThat(container.at("/resources/requests/cpu").isMissingNode()).isFalse();
    assertThat(container.at("/resources/limits/memory").isMissingNode()).isFalse();
  }

  // ---------------------------------------------------------------- Kafka client secret, monitoring

  @Test
  void shouldOnlyUseClientKeysWhenKafkaConfigExampleIsRead() throws IOException {
    Properties example = properties(K8S.resolve("base/kafka-client.properties.example"));
    Set<String> known = new HashSet<>(ProducerConfig.configNames());
    known.addAll(ConsumerConfig.configNames());
    known.addAll(AdminClientConfig.configNames());
    known.addAll(StreamsConfig.configDef().names());
    known.addAll(AvroSerdeConfig.configDef().names());
    String mount = mountPathOf(container(baseStatefulSet().at("/spec/template/spec")), "kafka-client");

    assertThat(new TreeSet<>(example.stringPropertyNames())).isNotEmpty().allSatisfy(key -> assertThat(known).contains(key));
    example.stringPropertyNames().stream().filter(k -> k.endsWith(".location"))
        .forEach(k -> assertThat(example.getProperty(k)).startsWith(mount + "/"));
  }

  @Test
  void shouldScrapeTheMetricsServiceWhenServiceMonitorIsApplied() throws IOException {
    JsonNode monitor = yaml(K8S.resolve("components/monitoring/servicemonitor.yaml"));
    Map<String, String> selector = labels(monitor.at("/spec/selector/matchLabels"));
    JsonNode endpoint = monitor.at("/spec/endpoints/0");

    assertThat(labels(yaml(K8S.resolve("base/service-metrics.yaml")).at("/metadata/labels"))).containsAllEntriesOf(selector);
    assertThat(labels(yaml(K8S.resolve("base/service-headless.yaml")).at("/metadata/labels")).entrySet())
        .as("the headless Service is not scraped twice").doesNotContainAnyElementsOf(selector.entrySet());
    assertThat(endpoint.path("port").asText()).isEqualTo("metrics");
    assertThat(endpoint.path("path").asText()).isEqualTo(MetricsServer.METRICS_PATH);
    assertThat(endpoint.get("relabelings")).anySatisfy(r -> {
      assertThat(r.path("targetLabel").asText()).isEqualTo("job");
      assertThat(r.path("replacement").asText()).isEqualTo("codegen-streams");
    });
    assertThat(Files.readString(K8S.resolve("monitoring/codegen-alerts.yml"))).contains("job=\"codegen-streams\"");
  }

  @Test
  void shouldMatchTheAlertRulesWhenPrometheusRuleIsGenerated() throws IOException {
    JsonNode rule = yaml(K8S.resolve("components/monitoring/prometheusrule.yaml"));
    JsonNode alerts = yaml(K8S.resolve("monitoring/codegen-alerts.yml"));

    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(rule.get("spec").equals(alerts))
        .as("spec of k8s/components/monitoring/prometheusrule.yaml equals k8s/monitoring/codegen-alerts.yml;"
            + " regenerate it with the command in its header").isTrue();
  }

  // ---------------------------------------------------------------- rendered with kubectl kustomize

  @ParameterizedTest
  @ValueSource(strings = {"overlays/gpu", "overlays/cpu"})
  void shouldRenderACompleteSetWhenOverlayIsBuiltWithKustomize(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    Map<String, List<JsonNode>> byKind = new TreeMap<>();
    objects.forEach(o -> byKind.computeIfAbsent(o.path("kind").asText(), k -> new ArrayList<>()).add(o));

    assertThat(byKind).containsKeys("StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget", "ServiceMonitor",
        "PrometheusRule");
    JsonNode sts = byKind.get("StatefulSet").get(0);
    JsonNode pod = sts.at("/spec/template/spec");
    JsonNode container = container(pod);
    Map<String, String> podLabels = labels(sts.at("/spec/template/metadata/labels"));

    assertThat(container.path("image").asText()).as("overlay sets the image").contains("/");
    // the config volume names a rendered ConfigMap whose file is this overlay's properties file
    String configMapName = volume(pod, "config").at("/configMap/name").asText();
    JsonNode configMap = byKind.get("ConfigMap").stream()
        .filter(c -> c.at("/metadata/name").asText().equals(configMapName)).findFirst().orElseThrow();
    assertThat(configMap.at("/data/" + CONFIG_FILE).asText())
        .isEqualTo(Files.readString(K8S.resolve(overlay).resolve(CONFIG_FILE)));
    // every mount has a volume or a claim template; selectors select the pods
    Set<String> volumes = new HashSet<>();
    pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    sts.at("/spec/volumeClaimTemplates").forEach(v -> volumes.add(v.at("/metadata/name").asText()));
    container.path("volumeMounts").forEach(m -> assertThat(volumes).contains(m.path("name").asText()));
    assertThat(podLabels).containsAllEntriesOf(labels(sts.at("/spec/selector/matchLabels")));
    assertThat(podLabels).containsAllEntriesOf(labels(byKind.get("PodDisruptionBudget").get(0).at("/spec/selector/matchLabels")));
    byKind.get("Service").forEach(s -> assertThat(podLabels).containsAllEntriesOf(labels(s.at("/spec/selector"))));
    for (JsonNode o : objects) {
      assertThat(o.at("/metadata/namespace").asText()).as(o.path("kind").asText()).isEqualTo("codegen");
    }

    if (overlay.endsWith("gpu")) {
      assertThat(container.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
      assertThat(sts.at("/spec/volumeClaimTemplates").findValuesAsText("name")).contains("data", "trt-cache");
      assertThat(new EngineConfig(asMap(properties(configMap.at("/data/" + CONFIG_FILE).asText()))).getString(EngineConfig.ENGINE))
          .isEqualTo(EngineConfig.TENSOR_RT);
    } else {
      assertThat(container.at("/resources/limits/nvidia.com~1gpu").isMissingNode()).isTrue();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<JsonNode> render(String overlay) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(overlay).toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      assumeThat(false).as("kubectl is not on the PATH: overlays not rendered (%s)", e.getMessage()).isTrue();
      throw e;
    }
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s", overlay).isZero();
    try (var parser = new YAMLFactory().createParser(new String(out, StandardCharsets.UTF_8))) {
      return StreamSupport.stream(((Iterable<JsonNode>) () -> {
        try {
          return YAML.readValues(parser, JsonNode.class);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).spliterator(), false).filter(n -> !n.isNull() && !n.isMissingNode()).toList();
    }
  }

  @Test
  void shouldServeTheGatewayFromItsOwnScaledDeploymentWhenTheGatewayComponentIsUsed() throws IOException {
    Path dir = K8S.resolve("components/gateway");
    JsonNode kustomization = yaml(dir.resolve("kustomization.yaml"));
    assertThat(kustomization.path("kind").asText()).isEqualTo("Component");
    for (JsonNode resource : kustomization.path("resources")) {
      assertThat(dir.resolve(resource.asText())).exists();
    }
    JsonNode deployment = yaml(dir.resolve("deployment.yaml"));
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.path("containers").get(0);
    List<String> args = texts(container.get("args"));
    ParseResult parsed = CodegenCommand.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
    assertThat(parsed.commandSpec().name()).isEqualTo("gateway");
    assertThat(parsed.matchedOptionValue("--gateway-host", "")).isEqualTo("0.0.0.0");
    int port = parsed.matchedOptionValue("--gateway-port", 0);
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health");
    for (String file : List.of("--config", "--kafka-config", "--api-keys")) {
      Path value = parsed.matchedOptionValue(file, null);
      assertThat(mountNameAt(container, value.getParent().toString())).as(file).isNotNull();
    }
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
    JsonNode service = yaml(dir.resolve("service.yaml"));
    assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
    JsonNode hpa = yaml(dir.resolve("hpa.yaml"));
    assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
    assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
    List<String> pipelineArgs = texts(container(baseStatefulSet().at("/spec/template/spec")).get("args"));
    assertThat(pipelineArgs).as("the pipeline pods leave HTTP to the gateway Deployment").contains("--no-gateway");
  }

  private static JsonNode yaml(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  private static JsonNode baseStatefulSet() throws IOException {
    return yaml(K8S.resolve("base/statefulset.yaml"));
  }

  /** The container as the overlay leaves it: base fields, then the overlay's strategic-merge patch (maps only). */
  private static JsonNode effectiveContainer(String variant) throws IOException {
    JsonNode base = container(baseStatefulSet().at("/spec/template/spec")).deepCopy();
    if (variant.equals("base")) {
      return base;
    }
    String name = variant.substring(variant.lastIndexOf('/') + 1);
    JsonNode patch = container(yaml(K8S.resolve(variant).resolve("statefulset-" + name + ".yaml")).at("/spec/template/spec"));
    var merged = (com.fasterxml.jackson.databind.node.ObjectNode) base;
    if (patch.has("resources")) {
      merged.set("resources", patch.get("resources"));
    }
    if (patch.has("env")) {
      var env = merged.withArray("env");
      for (JsonNode e : patch.get("env")) {
        for (int i = 0; i < env.size(); i++) {
          if (env.get(i).path("name").asText().equals(e.path("name").asText())) {
            env.set(i, e);
          }
        }
      }
    }
    return merged;
  }

  private static JsonNode container(JsonNode podSpec) {
    for (JsonNode c : podSpec.path("containers")) {
      if (CONTAINER.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no container named " + CONTAINER + " in " + podSpec);
  }

  private static JsonNode volume(JsonNode podSpec, String name) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (name != null && name.equals(v.path("name").asText())) {
        return v;
      }
    }
    return MissingNode.getInstance();
  }

  private static String mountNameAt(JsonNode container, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(path)) {
        return m.path("name").asText();
      }
    }
    return null;
  }

  private static String mountPathOf(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("mountPath").asText();
      }
    }
    throw new AssertionError("no mount of volume " + volume);
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    throw new AssertionError("no env " + name);
  }

  private static String jsonPatchText(JsonNode kustomization) {
    for (JsonNode p : kustomization.path("patches")) {
      if (p.has("patch")) {
        return p.get("patch").asText();
      }
    }
    throw new AssertionError("no inline JSON patch in the GPU kustomization");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Map<String, String> labels(JsonNode map) {
    Map<String, String> out = new TreeMap<>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Map<String, String> configProperties(String variant) throws IOException {
    return asMap(properties(K8S.resolve(variant).resolve(CONFIG_FILE)));
  }

  private static Map<String, String> pipelineKeys(Map<String, String> props) {
    Map<String, String> out = new TreeMap<>(props);
    out.keySet().retainAll(TopologyConfig.CONFIG.names());
    return out;
  }

  private static Properties properties(Path file) throws IOException {
    return properties(Files.readString(file));
  }

  private static Properties properties(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  private static Map<String, String> asMap(Properties p) {
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private static long jvmSize(String options, String flag) {
    Matcher m = JVM_SIZE.matcher(options);
    while (m.find()) {
      if (m.group(1).equals(flag)) {
        long n = Long.parseLong(m.group(2));
        return switch (m.group(3).toLowerCase()) {
          case "k" -> n << 10;
          case "m" -> n << 20;
          case "g" -> n << 30;
          default -> n;
        };
      }
    }
    throw new AssertionError("no -" + flag + " in JAVA_TOOL_OPTIONS: " + options);
  }

  /** Kubernetes memory quantity (Ki, Mi, Gi or plain bytes). */
  private static long bytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
    assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
    long n = Long.parseLong(m.group(1));
    return m.group(2) == null ? n : switch (m.group(2)) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      default -> n << 30;
    };
  }

  private static double cpus(String quantity) {
    return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1)) / 1000.0
        : Double.parseDouble(quantity);
  }
}
