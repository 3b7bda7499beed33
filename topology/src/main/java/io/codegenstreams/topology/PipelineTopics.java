package io.codegenstreams.topology;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topics of the pipeline. Requests are read as raw bytes so that undecodable records can be sent to the
 * dead-letter topic exactly as they arrived; the request serde decodes them inside the topology.
 */
public record PipelineTopics(TopicDescriptor<byte[], byte[]> requestsRaw,
                             Serde<CodeGenRequest> requestSerde,
                             TopicDescriptor<String, CodeGenResult> results,
                             TopicDescriptor<byte[], byte[]> deadLetters) {

  public static PipelineTopics of(TopologyConfig config, Serde<CodeGenRequest> requests, Serde<CodeGenResult> results) {
    return new PipelineTopics(
        new TopicDescriptor<>(config.getString(TopologyConfig.REQUESTS_TOPIC), Serdes.ByteArray(), Serdes.ByteArray()),
        requests,
        new TopicDescriptor<>(config.getString(TopologyConfig.RESULTS_TOPIC), Serdes.String(), results),
        new TopicDescriptor<>(config.getString(TopologyConfig.DLQ_TOPIC), Serdes.ByteArray(), Serdes.ByteArray()));
  }
}
