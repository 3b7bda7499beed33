package io.codegenstreams.topology.internals;

import io.codegenstreams.topology.PipelineListener;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decision for a record the producer could not write: a record too large for the broker is skipped and counted
 * (retrying cannot help it, and failing would stop every other request); anything else fails the task, which then
 * resumes from its last commit.
 */
public final class CountingProductionExceptionHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(CountingProductionExceptionHandler.class);

  private PipelineListener listener = PipelineListener.NONE;

  @Override
  public void configure(Map<String, ?> configs) {
    listener = ErrorHandlerSupport.listener(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      log.warn("skipping a record to {} that is too large for the broker: {}", record.topic(), exception.getMessage());
      listener.onSkipped("production", exception.getClass().getSimpleName());
      return Response.resume();
    }
    return Response.fail();
  }

  @Override
  public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                           SerializationExceptionOrigin origin) {
    log.error("cannot serialize a record to {} ({}): {}", record.topic(), origin, exception.getMessage());
    return Response.fail();
  }
}
