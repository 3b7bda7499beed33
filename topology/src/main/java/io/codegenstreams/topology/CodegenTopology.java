package io.codegenstreams.topology;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.topology.internals.FileCheckpointedWindowStore;
import io.codegenstreams.topology.internals.RequestProcessor;
import io.codegenstreams.topology.internals.ResultsStoreUpdater;
import io.codegenstreams.topology.internals.StoreNames;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the pipeline's topology. A pure function of its arguments, so tests (TopologyTestDriver and the
 * integration tests) run exactly what production runs.
 *
 * <pre>
 *  codegen.requests ─▶ request-processor ─┬─▶ codegen.results       (results, REJECTED, TIMEOUT, cached repeats)
 *        ▲              │  lane-high  ┐   ├─▶ codegen.requests.dlq  (records that cannot be decoded)
 *        └──────────────│─────────────│───┴── cancels (tombstones) of the ids a request supersedes
 *                       │  lane-normal├ windowed RocksDB buffers (changelogged)
 *                       │  lane-low   ┘
 *                       │  inflight-index (changelogged)
 *                       │  early-cancels  (changelogged: cancels whose request has not arrived yet)
 *                       └─ results-store ◀─ codegen.results (read-only; the topic is its changelog)
 * </pre>
 */
public final class CodegenTopology {
  private CodegenTopology() {}

  /** Without streaming: chunks of requests that ask for them are dropped (topology tests, tools). */
  public static Topology build(TopologyConfig config, PipelineTopics topics, InferenceEngine engine,
                               ModelCatalog models, PipelineListener listener) {
    return build(config, topics, engine, models, listener, ChunkSink.NONE);
  }

  /** @param chunks where streaming requests' partial text goes (the stream topic's producer) */
  public static Topology build(TopologyConfig config, PipelineTopics topics, InferenceEngine engine,
                               ModelCatalog models, PipelineListener listener, ChunkSink chunks) {
    Topology topology = new Topology();
    topology.addSource(StoreNames.REQUESTS_SOURCE, topics.requestsRaw().keySerde().deserializer(),
        topics.requestsRaw().valueSerde().deserializer(), topics.requestsRaw().name());
    topology.addProcessor(StoreNames.REQUEST_PROCESSOR,
        () -> new RequestProcessor(config, topics, engine, models, listener, chunks), StoreNames.REQUESTS_SOURCE);

    Duration retention = Duration.ofMillis(config.getLong(TopologyConfig.BUFFER_RETENTION_MS));
    // The lane stores keep their changelog offsets in a checkpoint file, not in RocksDB: a lane that got no request
    // has no segment to hold them, and exactly-once would wipe the whole task on every restart (see the class).
    // Cached: a request buffered and answered within one commit interval costs one RocksDB write and one changelog
    // record per store instead of two (the cache is flushed before every commit, so exactly-once is unchanged).
    for (Priority lane : Priority.values()) {
      topology.addStateStore(Stores.windowStoreBuilder(
          FileCheckpointedWindowStore.persistentWindowStore(StoreNames.lane(lane), retention, Duration.ofMillis(1),
              false),
          Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), StoreNames.REQUEST_PROCESSOR);
    }
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.INFLIGHT_STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled(), StoreNames.REQUEST_PROCESSOR);

    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.CANCELS_STORE), Serdes.String(), Serdes.Long()),
        StoreNames.REQUEST_PROCESSOR);

    topology.addReadOnlyStateStore(
        Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(StoreNames.RESULTS_STORE),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
        StoreNames.RESULTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.results().name(), StoreNames.RESULTS_STORE_UPDATER,
        () -> new ResultsStoreUpdater(config.getLong(TopologyConfig.IDEMPOTENCY_WINDOW_MS)));
    topology.connectProcessorAndStateStores(StoreNames.REQUEST_PROCESSOR, StoreNames.RESULTS_STORE);

    // results are serialized once by the processor (their bytes also go to the in-flight index)
    topology.addSink(StoreNames.RESULTS_SINK, topics.results().name(), topics.results().keySerde().serializer(),
        Serdes.ByteArray().serializer(), StoreNames.REQUEST_PROCESSOR);
    // cancels of superseded requests go back through the requests topic, to the partition that owns the old id
    topology.addSink(StoreNames.CANCEL_SINK, topics.requestsRaw().name(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), StoreNames.REQUEST_PROCESSOR);
    topology.addSink(StoreNames.DLQ_SINK, topics.deadLetters().name(), topics.deadLetters().keySerde().serializer(),
        topics.deadLetters().valueSerde().serializer(), StoreNames.REQUEST_PROCESSOR);
    return topology;
  }
}
