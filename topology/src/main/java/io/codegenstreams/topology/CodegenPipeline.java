package io.codegenstreams.topology;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.SpecificAvroSerde;
import io.codegenstreams.topology.internals.ChunkProducer;
import io.codegenstreams.topology.internals.CountingProductionExceptionHandler;
import io.codegenstreams.topology.internals.DeadLetteringProcessingExceptionHandler;
import io.codegenstreams.topology.internals.ErrorHandlerSupport;
import io.codegenstreams.topology.internals.InstanceId;
import io.codegenstreams.topology.internals.RestoreReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running Kafka Streams application: exactly-once (v2), the topology of {@link CodegenTopology}, the shared
 * engine. It starts processing only once the engine reports its default model warm, so a new worker takes no
 * traffic while cold.
 */
public final class CodegenPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodegenPipeline.class);

  /**
   * @param clientProperties bootstrap servers and any pass-through client settings (SASL, TLS)
   * @param schemaRegistryUrl where the serdes find the contracts
   * @param stateDir where RocksDB stores live
   * @param streamsOverrides any Kafka Streams setting, applied last
   */
  public record Settings(TopologyConfig topology, Map<String, Object> clientProperties, String schemaRegistryUrl,
                         Path stateDir, Map<String, Object> streamsOverrides) {}

  /** Longest {@link #close()} waits for Kafka Streams to commit, checkpoint its stores and leave the group. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final Topology topology;
  private final ChunkProducer chunks;

  private CodegenPipeline(KafkaStreams streams, Topology topology, ChunkProducer chunks) {
    this.streams = streams;
    this.topology = topology;
    this.chunks = chunks;
  }

  public static CodegenPipeline start(Settings settings, InferenceEngine engine, ModelCatalog models,
                                      PipelineListener listener, Duration readyTimeout) throws InterruptedException {
    return start(settings, engine, models, listener, readyTimeout, p -> { });
  }

  /**
   * Waits for the engine's default model, starts Kafka Streams and waits up to {@code readyTimeout} for
   * {@code RUNNING}.
   *
   * @param started told of the pipeline as soon as its Kafka Streams has started, before it is {@code RUNNING}, so a
   *                shutdown that arrives during the rebalance can close it
   */
  public static CodegenPipeline start(Settings settings, InferenceEngine engine, ModelCatalog models,
                                      PipelineListener listener, Duration readyTimeout,
                                      Consumer<CodegenPipeline> started) throws InterruptedException {
    Map<String, Object> serdeConfig = new HashMap<>(settings.clientProperties());
    serdeConfig.put("schema.registry.url", settings.schemaRegistryUrl());
    SpecificAvroSerde<CodeGenRequest> requests = new SpecificAvroSerde<>(CodeGenRequest.class);
    requests.configure(serdeConfig, false);
    SpecificAvroSerde<CodeGenResult> results = new SpecificAvroSerde<>(CodeGenResult.class);
    results.configure(serdeConfig, false);
    PipelineTopics topics = PipelineTopics.of(settings.topology(), requests, results);
    ChunkProducer chunks = new ChunkProducer(settings.topology().getString(TopologyConfig.STREAM_TOPIC),
        settings.clientProperties(), serdeConfig);
    Topology topology = CodegenTopology.build(settings.topology(), topics, engine, models, listener, chunks);

    try {
      engine.whenReady().orTimeout(readyTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
    } catch (CompletionException e) {
      chunks.close();
      if (e.getCause() instanceof TimeoutException) {
        throw new IllegalStateException("the default model was not loaded and warm within " + readyTimeout
            + ": raise " + TopologyConfig.STARTUP_TIMEOUT_MS + " (a first TensorRT build of a large model takes long)",
            e.getCause());
      }
      throw e;
    }
    Properties props = streamsProperties(settings);
    props.put(ErrorHandlerSupport.LISTENER, listener);
    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      log.info("pipeline {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.setGlobalStateRestoreListener(new RestoreReporter(listener));
    streams.setUncaughtExceptionHandler(e -> {
      log.error("stream thread failed; replacing it (its tasks resume from their last commit)", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    CodegenPipeline pipeline = new CodegenPipeline(streams, topology, chunks);
    started.accept(pipeline);
    if (!running.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("pipeline not RUNNING after {}; it keeps trying (state {})", readyTimeout, streams.state());
    }
    return pipeline;
  }

  static Properties streamsProperties(Settings settings) {
    Properties props = new Properties();
    props.putAll(settings.clientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.topology().getString(TopologyConfig.APPLICATION_ID));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.topology().getInt(TopologyConfig.STREAM_THREADS));
    // Wall-clock punctuators run between polls: a short poll keeps results flowing when no new requests arrive.
    props.put(StreamsConfig.POLL_MS_CONFIG, 5);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    // A task reads two partitions: requests and the results topic (the idempotency store's source, written by the
    // task itself). max.task.idle.ms stays at its default (0): a request waits while committed results are present
    // but not yet fetched, so after a restart the task's own last results reach the results store before a repeat
    // of one is looked up (finished results are otherwise kept in memory only). Disabling it (-1) cut a fetch round
    // trip from some requests' latency but let such a repeat run the model twice.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringProcessingExceptionHandler.class);
    // the same handler for global state too (there is none; Kafka Streams warns once per thread while it is off)
    props.put("processing.exception.handler.global.enabled", true);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProductionExceptionHandler.class);
    props.put(ErrorHandlerSupport.DLQ_TOPIC, settings.topology().getString(TopologyConfig.DLQ_TOPIC));
    props.putAll(settings.streamsOverrides());
    String instanceKey = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    if (settings.topology().getBoolean(TopologyConfig.STATIC_MEMBERSHIP)
        && !props.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) && !props.containsKey(instanceKey)) {
      // Kafka Streams appends "-<thread index>" to it for each stream thread
      props.put(instanceKey, settings.topology().getString(TopologyConfig.APPLICATION_ID) + "-"
          + InstanceId.of(settings.stateDir()));
    }
    return props;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public Topology topology() {
    return topology;
  }

  /**
   * Stops processing and leaves the consumer group, as a worker being stopped or redeployed should: its partitions
   * move to the other instances at once instead of after {@code session.timeout.ms}.
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    chunks.close();
  }
}
