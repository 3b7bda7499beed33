package io.codegenstreams.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.topology.PipelineCounters;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class ErrorHandlersTest {
  private final PipelineCounters counters = new PipelineCounters();
  private final Map<String, Object> configs =
      Map.of(ErrorHandlerSupport.LISTENER, counters, ErrorHandlerSupport.DLQ_TOPIC, "dlq");

  private static ErrorHandlerContext context() {
    return new ErrorHandlerContext() {
      public String topic() { return "codegen.requests"; }
      public int partition() { return 3; }
      public long offset() { return 42; }
      public Headers headers() { return new RecordHeaders().add("trace", "t".getBytes(StandardCharsets.UTF_8)); }
      public String processorNodeId() { return "request-processor"; }
      public TaskId taskId() { return new TaskId(0, 3); }
      public long timestamp() { return 1000L; }
      public byte[] sourceRawKey() { return "k".getBytes(StandardCharsets.UTF_8); }
      public byte[] sourceRawValue() { return new byte[] {9, 9}; }
    };
  }

  @Test
  void shouldContinueWithTheRecordDeadLetteredAndCountedWhenProcessingThrows() {
    DeadLetteringProcessingExceptionHandler handler = new DeadLetteringProcessingExceptionHandler();
    handler.configure(configs);

    ProcessingExceptionHandler.Response response =
        handler.handleError(context(), new Record<>("k", "v", 1000L), new IllegalStateException("boom"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
      assertThat(dlq.topic()).isEqualTo("dlq");
      assertThat(dlq.value()).containsExactly(9, 9);
      assertThat(new String(dlq.headers().lastHeader(DeadLetters.OFFSET).value(), StandardCharsets.UTF_8)).isEqualTo("42");
      assertThat(new String(dlq.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8)).isEqualTo("boom");
      assertThat(dlq.headers().lastHeader("trace")).isNotNull();
    });
    assertThat(counters.skipped.sum()).isEqualTo(1);
  }

  @Test
  void shouldSkipAndCountWhenARecordIsTooLargeButFailOtherwise() {
    CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
    handler.configure(configs);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("codegen.results", new byte[1], new byte[1]);

    assertThat(handler.handleError(context(), record, new RecordTooLargeException("too big")).result())
        .isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(handler.handleError(context(), record, new TimeoutException("slow")).result())
        .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    assertThat(counters.skipped.sum()).isEqualTo(1);
  }
}
