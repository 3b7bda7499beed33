package io.codegenstreams.topology.internals;

import io.codegenstreams.topology.PipelineListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decision for an unexpected exception while processing a record: continue, with the record's original bytes in
 * the dead-letter topic (written in the task's transaction) and the skip counted. The pipeline keeps serving; a
 * poisonous record costs itself only.
 */
public final class DeadLetteringProcessingExceptionHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetteringProcessingExceptionHandler.class);

  private PipelineListener listener = PipelineListener.NONE;
  private String dlqTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    listener = ErrorHandlerSupport.listener(configs);
    dlqTopic = ErrorHandlerSupport.dlqTopic(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    String reason = DeadLetters.reason(exception);
    log.warn("skipping record {}-{}@{} after a processing error in {}: {}", context.topic(), context.partition(),
        context.offset(), context.processorNodeId(), reason);
    listener.onSkipped("processing", exception.getClass().getSimpleName());
    Headers headers = new RecordHeaders(context.headers().toArray());
    put(headers, DeadLetters.ERROR, exception.getClass().getName());
    put(headers, DeadLetters.REASON, reason);
    put(headers, DeadLetters.TOPIC, context.topic());
    put(headers, DeadLetters.PARTITION, Integer.toString(context.partition()));
    put(headers, DeadLetters.OFFSET, Long.toString(context.offset()));
    return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, context.timestamp(), context.sourceRawKey(),
        context.sourceRawValue(), headers)));
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
