package io.codegenstreams.topology.metrics;

import static io.codegenstreams.topology.metrics.Scrape.label;
import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.CodegenTopics;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.TopologyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.codegenstreams.topology.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running pipeline's {@code /metrics} and health endpoints, on a real broker and registry with the real engine
 * and the shipped tiny model, under a small load; then {@code promtool} checks the live scrape and the alert rules.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsEndpointIT {
  private static final String MODEL = "java-coder-tiny";
  private static final Map<String, Object> ENGINE_SETTINGS = Map.of(
      EngineConfig.MODELS, MODEL,
      EngineConfig.DEFAULT_MODEL, MODEL,
      EngineConfig.WARMUP_BATCH_SIZES, "1,8");
  private static final int REQUESTS = 90;
  private static final Path ALERT_RULES = Path.of(System.getProperty("user.dir")).resolveSibling("k8s")
      .resolve("monitoring").resolve("codegen-alerts.yml");

  private static final Pattern METRIC_NAME = Pattern.compile("\\b(code_gen|kafka_streams|kafka_consumer|kafka_producer)_[a-z_]+\\b");

  @TempDir static Path dir;
  static CodegenMetrics metrics;
  static KafkaFixture kafka;
  static InferenceEngine engine;
  static CodegenPipeline pipeline;
  static MetricsServer server;
  static final AtomicReference<CodegenPipeline> running = new AtomicReference<>();
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static HttpResponse<String> readyBeforeStart;

  @BeforeAll
  static void start() throws Exception {
    MetricsServer.preferNoDelay(); // as codegen run does, before the registry starts the JVM's first HTTP server
    kafka = new KafkaFixture(dir.resolve("kafka"), 4);
    EngineConfig config = new EngineConfig(ENGINE_SETTINGS);
    long created = System.nanoTime();
    engine = InferenceEngines.create(config);
    metrics = CodegenMetrics.create(engine, config, () -> {
      CodegenPipeline p = running.get();
      return p == null ? null : p.state();
    }).timeStartup(engine, created);
    server = metrics.serve("127.0.0.1", 0, "--metrics-port");
    readyBeforeStart = get("/health/ready");
    pipeline = CodegenPipeline.start(new CodegenPipeline.Settings(TopologyConfig.defaults(), kafka.clientProperties(),
            kafka.registry.url(), dir.resolve("streams"), Map.of()), engine, new ModelCatalog(config.models().keySet(), MODEL),
        metrics.pipelineListener(), Duration.ofMinutes(2));
    running.set(pipeline);
    assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @AfterAll
  static void stop() throws Exception {
    KafkaFixture.closeAll(server, pipeline, engine, kafka);
  }

  @Test
  @Order(1)
  void shouldReportNotReadyWhenThePipelineHasNotStartedAndReadyWhenItRuns() throws Exception {
    assertThat(readyBeforeStart.statusCode()).isEqualTo(503);
    assertThat(readyBeforeStart.body()).contains("\"status\":\"DOWN\"").contains("\"streams_state\":\"NOT_STARTED\"");

    HttpResponse<String> ready = get("/health/ready");
    HttpResponse<String> live = get("/health/live");

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("\"reason\":\"ready\"").contains("\"streams_state\":\"RUNNING\"");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(get("/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void shouldShowEveryMetricConsistentWithTheResultsWhenThePipelineServesLoad() throws Exception {
    int expectedResults = sendLoad();
    List<CodeGenResult> results = readResults(expectedResults);
    assertThat(results).hasSize(expectedResults);

    HttpResponse<String> response = get("/metrics");
    long[] scrapeMicros = new long[5];
    for (int i = 0; i < scrapeMicros.length; i++) {
      long started = System.nanoTime();
      get("/metrics");
      scrapeMicros[i] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
    }
    Scrape scrape = Scrape.parse(response.body());
    Files.writeString(Path.of("target", "metrics-scrape.txt"), response.body()); // for a look after the run
    System.out.printf("scrape: %d bytes, %d samples; five more scrapes took (ms) %s%n", response.body().length(),
        scrape.samples().size(), Arrays.toString(Arrays.stream(scrapeMicros).mapToDouble(us -> us / 1000.0).toArray()));

    // one latency observation per result produced, split by status as the results are
    assertThat(scrape.sum(PipelineMetrics.LATENCY + "_count")).isEqualTo(expectedResults);
    for (ResultStatus status : ResultStatus.values()) {
      long produced = results.stream().filter(r -> r.getStatus() == status).count();
      assertThat(scrape.sum(PipelineMetrics.LATENCY + "_count", label("status", LabelValues.status(status))))
          .as("latency observations with status %s", status).isEqualTo(produced);
    }
    List<CodeGenResult> ran = results.stream().filter(r -> !r.getCached() && r.getBatchSize() > 0).toList();
    assertThat(ran).hasSize(REQUESTS);
    assertThat(scrape.sum(PipelineMetrics.QUEUE_WAIT + "_count")).isEqualTo(ran.size());
    assertThat(scrape.sum(PipelineMetrics.INFERENCE_TIME + "_count")).isEqualTo(ran.size());

    // every batch size a result reports was executed: its bucket of the executed-batch histogram is not empty
    for (CodeGenResult r : ran) {
      assertThat(executedStepsInBucketOf(scrape, r.getBatchSize()))
          .as("executed steps in the bucket of batch_size %d", r.getBatchSize()).isPositive();
    }
    long tokens = ran.stream().mapToLong(CodeGenResult::getCompletionTokens).sum();
    assertThat(scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_sum", "model_type", MODEL))
        .as("sequence-steps run, at least one per generated token").isGreaterThanOrEqualTo(tokens);
    assertThat(scrape.value(EngineStatsCollector.TOKENS_GENERATED + "_total")).isGreaterThanOrEqualTo(tokens);
    assertThat(scrape.value(EngineMetrics.BATCH_SIZE, "model_type", MODEL)).isBetween(1.0, 1024.0);

    assertThat(scrape.sum(PipelineMetrics.IDEMPOTENCY_HITS)).isEqualTo(2);
    assertThat(scrape.value(PipelineMetrics.REJECTED, "lane", "high", "reason", "invalid")).isEqualTo(1);
    assertThat(scrape.sum(PipelineMetrics.DEAD_LETTERS)).isEqualTo(1);
    assertThat(scrape.sum(PipelineMetrics.BUFFERED)).isEqualTo(REQUESTS);
    assertThat(scrape.value(EngineStatsCollector.CACHE_HITS + "_total") + scrape.value(EngineStatsCollector.CACHE_MISSES + "_total"))
        .as("every submit is a model-cache hit or miss").isGreaterThanOrEqualTo(REQUESTS);
    assertThat(scrape.value(EngineStatsCollector.QUEUE_CAPACITY, "lane", "high")).isEqualTo(256);
    assertThat(scrape.all(EngineStatsCollector.QUEUE_DEPTH)).hasSize(3);
    assertThat(scrape.value(EngineStatsCollector.KV_BUDGET)).isPositive();
    assertThat(scrape.value(EngineStatsCollector.MODEL_READY, "model_type", MODEL)).isEqualTo(1);
    assertThat(scrape.value(EngineStatsCollector.MODEL_LOADED, "model_type", MODEL)).isEqualTo(1);
    assertThat(scrape.value(CodegenMetrics.ENGINE_STARTUP)).isPositive();
    assertThat(scrape.value(HealthCheck.READY_METRIC)).isEqualTo(1);

    // Kafka's own metrics through the JMX collector, narrowly: the pipeline's consumer lag, threads, producer
    assertThat(scrape.all("kafka_consumer_records_lag")).extracting(s -> s.label("topic"))
        .contains(CodegenTopics.REQUESTS).doesNotContain(CodegenTopics.REQUESTS.replace('.', '_'));
    assertThat(scrape.all("kafka_consumer_records_lag")).allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));
    assertThat(scrape.value("kafka_streams_client_state", "application_id", "codegen-streams"))
        .as("RUNNING").isEqualTo(KafkaStreams.State.RUNNING.ordinal());
    assertThat(scrape.sum("kafka_streams_thread_process_total")).isGreaterThanOrEqualTo(expectedResults);
    assertThat(scrape.samples()).as("one rule per attribute: no series disambiguated by _objectname")
        .noneMatch(s -> s.labels().containsKey("_objectname"));
    assertThat(scrape.all("kafka_producer_record_send_total")).isNotEmpty();
    assertThat(scrape.samples()).allMatch(s -> s.name().startsWith("code_gen_") || s.name().startsWith("kafka_streams_")
        || s.name().startsWith("kafka_consumer_") || s.name().startsWith("kafka_producer_") || s.name().startsWith("jmx_"));
    assertThat(scrape.samples()).as("one rule per attribute: no series disambiguated by _objectname")
        .noneMatch(s -> s.labels().containsKey("_objectname"));
    assertThat(scrape.all("kafka_producer_record_send_total")).allSatisfy(s -> assertThat(s.label("client_id")).contains("StreamThread-"));
    assertThat(response.body().length()).as("scrape size").isLessThan(200_000);
  }

  @Test
  @Order(3)
  void shouldPassPromtoolWhenTheLiveScrapeAndTheAlertRulesAreChecked() throws Exception {
    String scrape = get("/metrics").body();

    Promtool.Result metrics = Promtool.run(scrape, "check", "metrics");
    Promtool.Result rules = Promtool.run(null, "check", "rules", ALERT_RULES.toString());

    assertThat(metrics.exitCode()).as("promtool check metrics:%n%s", metrics.output()).isZero();
    assertThat(rules.exitCode()).as("promtool check rules %s:%n%s", ALERT_RULES, rules.output()).isZero();
  }

  @Test
  @Order(4)
  void shouldReferenceOnlyExposedMetricsWhenTheDashboardAndAlertsQueryThem() throws Exception {
    Set<String> exposed = new HashSet<>();
    Scrape.parse(get("/metrics").body()).samples().forEach(s -> exposed.add(s.name()));
    for (MetricSnapshot family : metrics.registry().scrape()) {
      String name = family.getMetadata().getPrometheusName();
      exposed.addAll(List.of(name, name + "_total", name + "_bucket", name + "_count", name + "_sum"));
    }
    Path dashboard = ALERT_RULES.resolveSibling("codegen-dashboard.json");
    Set<String> referenced = new TreeSet<>();
    for (Path file : List.of(ALERT_RULES, dashboard)) {
      Matcher m = METRIC_NAME.matcher(Files.readString(file));
      while (m.find()) {
        referenced.add(m.group());
      }
    }

    assertThat(referenced).contains(PipelineMetrics.LATENCY + "_bucket", HealthCheck.READY_METRIC, "kafka_consumer_records_lag");
    assertThat(exposed).as("metrics queried by %s and %s", ALERT_RULES.getFileName(), dashboard.getFileName())
        .containsAll(referenced);
  }

  /** 90 requests over the three lanes, one id repeated twice more, an invalid request and undecodable bytes. */
  private static int sendLoad() throws Exception {
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer();
         KafkaProducer<byte[], byte[]> raw = kafka.rawProducer()) {
      for (int i = 0; i < REQUESTS; i++) {
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "m-" + i, request("m-" + i, Priority.values()[i % 3])));
      }
      producer.flush();
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "m-0", request("m-0", Priority.HIGH)));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "m-0", request("m-0", Priority.HIGH)));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "m-invalid",
          CodeGenRequest.newBuilder(request("m-invalid", Priority.HIGH)).setPrompt("").build()));
      raw.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "m-garbage".getBytes(StandardCharsets.UTF_8),
          "{not avro}".getBytes(StandardCharsets.UTF_8))).get();
      producer.flush();
    }
    return REQUESTS + 3;
  }

  private static CodeGenRequest request(String id, Priority lane) {
    return CodeGenRequest.newBuilder().setRequestId(id).setPrompt("public int max(int a, int b) {")
        .setPriority(lane).setMaxNewTokens(8).setCreatedAt(Instant.now()).build();
  }

  private static List<CodeGenResult> readResults(int expected) {
    List<CodeGenResult> read = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    try (KafkaConsumer<String, CodeGenResult> consumer = kafka.resultConsumer()) {
      while (read.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, CodeGenResult> r : consumer.poll(Duration.ofMillis(200))) {
          read.add(r.value());
        }
      }
    }
    return read;
  }

  /** Steps counted in the executed-batch histogram's bucket (lower, upper] that holds {@code size}. */
  private static double executedStepsInBucketOf(Scrape scrape, int size) {
    double lower = 0;
    for (double upper : EngineMetrics.BATCH_BUCKETS) {
      if (size <= upper) {
        return bucket(scrape, upper) - (lower == 0 ? 0 : bucket(scrape, lower));
      }
      lower = upper;
    }
    return bucket(scrape, Double.POSITIVE_INFINITY) - bucket(scrape, lower);
  }

  private static double bucket(Scrape scrape, double le) {
    String bound = Double.isInfinite(le) ? "+Inf" : (le == Math.rint(le) ? String.valueOf((long) le) + ".0" : String.valueOf(le));
    return scrape.value(EngineMetrics.EXECUTED_BATCH_SIZE + "_bucket", "model_type", MODEL, "le", bound);
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
