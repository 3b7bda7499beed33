package io.codegenstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TailCommandTest {

  @Test
  void shouldStopAtMaxRecordsWhenOnePollBringsMore() {
    TailCommand tail = new TailCommand();
    new CommandLine(tail).parseArgs("--max-records", "2");
    List<ConsumerRecord<String, CodeGenResult>> seven = IntStream.range(0, 7).mapToObj(i ->
        new ConsumerRecord<>("codegen.results", 0, i, "r" + i, CodeGenResult.newBuilder().setRequestId("r" + i)
            .setStatus(ResultStatus.OK).setCompletion("x").build())).toList();
    StringWriter text = new StringWriter();

    long printed = tail.print(seven, 0, new PrintWriter(text));

    assertThat(printed).isEqualTo(2);
    assertThat(text.toString().lines()).hasSize(2);
    assertThat(tail.print(seven, printed, new PrintWriter(new StringWriter()))).as("nothing more").isEqualTo(2);
  }
}
