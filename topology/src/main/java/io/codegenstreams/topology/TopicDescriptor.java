package io.codegenstreams.topology;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values, so a name never travels without its types. */
public record TopicDescriptor<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
