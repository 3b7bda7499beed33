package io.codegenstreams.gateway;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.serde.SpecificAvroSerializer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front door: OpenAI's completions API over the pipeline's topics. Each call becomes one
 * {@link CodeGenRequest} on the requests topic (its id from the {@code Idempotency-Key} header, so a retried call
 * never runs the model twice); its answer is read from the results topic, and for {@code stream: true} its text
 * from the stream topic as Server-Sent Events. A caller that goes away cancels its request through the requests
 * topic. Non-blocking throughout (Vert.x event loops, one producer and two consumers per gateway): an open call is a
 * few objects, not a thread.
 */
public final class CompletionGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompletionGateway.class);
  /** Longest accepted request id: ids are Kafka keys and state-store keys. */
  static final int MAX_ID_LENGTH = 256;

  private final GatewaySettings settings;
  private final ApiKeys keys;
  private final Vertx vertx;
  private final KafkaProducer<String, CodeGenRequest> producer;
  private final TopicReader<CodeGenResult> results;
  private final TopicReader<CodeGenChunk> chunks;
  private final HttpServer server;

  private CompletionGateway(GatewaySettings settings, ApiKeys keys, Vertx vertx,
                            KafkaProducer<String, CodeGenRequest> producer, TopicReader<CodeGenResult> results,
                            TopicReader<CodeGenChunk> chunks, HttpServer server) {
    this.settings = settings;
    this.keys = keys;
    this.vertx = vertx;
    this.producer = producer;
    this.results = results;
    this.chunks = chunks;
    this.server = server;
  }

  /** Connects to Kafka, waits until its readers are at the topics' ends, then listens. */
  public static CompletionGateway start(GatewaySettings settings) throws Exception {
    ApiKeys keys = settings.apiKeys() == null ? null : ApiKeys.load(settings.apiKeys());
    Map<String, Object> serde = new HashMap<>(settings.clientProperties());
    serde.put("schema.registry.url", settings.schemaRegistryUrl());
    Map<String, Object> props = new HashMap<>(settings.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "codegen-gateway");
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serde, false);
    KafkaProducer<String, CodeGenRequest> producer = new KafkaProducer<>(props, new StringSerializer(), values);
    TopicReader<CodeGenResult> results = null;
    TopicReader<CodeGenChunk> chunks = null;
    Vertx vertx = null;
    try {
      producer.partitionsFor(settings.requestsTopic()); // metadata now, not on the first call
      results = new TopicReader<>(settings.resultsTopic(), CodeGenResult.class, settings.clientProperties(), serde);
      chunks = new TopicReader<>(settings.streamTopic(), CodeGenChunk.class, settings.clientProperties(), serde);
      if (!results.awaitPositioned(Duration.ofMinutes(1)) || !chunks.awaitPositioned(Duration.ofMinutes(1))) {
        throw new IllegalStateException("the gateway could not read " + settings.resultsTopic() + " and "
            + settings.streamTopic() + " within a minute: is Kafka at " + settings.clientProperties()
            .get("bootstrap.servers") + " (--bootstrap-servers) and do the topics exist?");
      }
      vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(
          new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
      Router router = Router.router(vertx);
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host())
          .setPort(settings.port()).setIdleTimeout(0));
      CompletionGateway gateway = new CompletionGateway(settings, keys, vertx, producer, results, chunks, server);
      router.post("/v1/completions").handler(BodyHandler.create().setBodyLimit(4 << 20))
          .handler(gateway::completions);
      router.get("/v1/models").handler(gateway::models);
      router.get("/health").handler(gateway::health);
      router.route().last().handler(ctx -> send(ctx, new OpenAiError(404, "invalid_request_error",
          "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(), null, "not_found")));
      server.requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      log.info("gateway listening on http://{}:{}/v1 ({})", settings.host(), server.actualPort(),
          keys == null ? "no API keys: every call is served" : keys.size() + " API keys");
      return gateway;
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      if (results != null) {
        results.close();
      }
      if (chunks != null) {
        chunks.close();
      }
      producer.close(Duration.ofSeconds(5));
      throw e;
    }
  }

  /** The port it listens on (the one chosen when the settings asked for 0). */
  public int port() {
    return server.actualPort();
  }

  /** Calls waiting for their result now. */
  public int openCalls() {
    return results.waitingCalls();
  }

  private void completions(RoutingContext ctx) {
    try {
      Priority lane = Priority.NORMAL;
      if (keys != null) {
        ApiKeys.Grant grant = keys.authorize(ctx.request().getHeader("Authorization")).orElseThrow(() ->
            new OpenAiError(401, "invalid_request_error", "Incorrect or missing API key: send"
                + " 'Authorization: Bearer KEY' with a key of the gateway's --api-keys file", null, "invalid_api_key"));
        if (!keys.tryAcquire(grant)) {
          throw new OpenAiError(429, "requests", "Rate limit reached for this API key (" + grant.requestsPerSecond()
              + " requests/s)", null, "rate_limit_exceeded", 1);
        }
        lane = grant.lane();
      }
      if (!ready()) {
        throw new OpenAiError(503, "server_error", "the pipeline is not ready yet; retry shortly", null,
            "not_ready", 1);
      }
      String id = ctx.request().getHeader("Idempotency-Key");
      if (id == null || id.isBlank()) {
        id = "cmpl-" + UUID.randomUUID();
      } else if (id.length() > MAX_ID_LENGTH) {
        throw OpenAiError.invalid(null, "Idempotency-Key is longer than " + MAX_ID_LENGTH + " characters");
      }
      lane = CompletionCall.lane(ctx.request().getHeader("X-Priority"), lane);
      CompletionCall call = CompletionCall.parse(ctx.body().asString(), id, lane, settings.models(),
          settings.defaultModel());
      String timeout = ctx.request().getHeader("X-Timeout-Ms");
      if (timeout != null) {
        call.request().setDeadline(java.time.Instant.now().plusMillis(CompletionCall.timeoutMillis(timeout)));
      }
      new Exchange(this, ctx, call).start();
    } catch (OpenAiError e) {
      send(ctx, e);
    }
  }

  private void models(RoutingContext ctx) {
    JsonArray data = new JsonArray();
    settings.models().forEach(m -> data.add(new JsonObject().put("id", m).put("object", "model").put("created", 0)
        .put("owned_by", "codegen-streams")));
    json(ctx, 200, new JsonObject().put("object", "list").put("data", data));
  }

  private void health(RoutingContext ctx) {
    boolean ok = ready();
    json(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "ok" : "unavailable")
        .put("results_reader", results.healthy()).put("stream_reader", chunks.healthy())
        .put("pipeline_ready", settings.pipelineReady().getAsBoolean()));
  }

  private boolean ready() {
    return results.healthy() && chunks.healthy() && settings.pipelineReady().getAsBoolean();
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void send(RoutingContext ctx, OpenAiError e) {
    if (e.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    json(ctx, e.status(), e.body());
  }

  GatewaySettings settings() {
    return settings;
  }

  KafkaProducer<String, CodeGenRequest> producer() {
    return producer;
  }

  TopicReader<CodeGenResult> results() {
    return results;
  }

  TopicReader<CodeGenChunk> chunks() {
    return chunks;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the gateway's HTTP server did not stop cleanly: {}", e.toString());
    }
    results.close();
    chunks.close();
    producer.close(Duration.ofSeconds(5));
  }
}
