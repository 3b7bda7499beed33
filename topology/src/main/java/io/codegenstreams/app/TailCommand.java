package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.AvroJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print results as they are committed to the results topic, one JSON object per line, until Ctrl-C.")
final class TailCommand implements Callable<Integer> {

  @Option(names = "--from-beginning", description = "Start from the oldest retained result instead of new ones.")
  boolean fromBeginning;

  @Option(names = "--max-records", defaultValue = "-1", description = "Stop after this many results (default: never).")
  long maxRecords;

  @Option(names = "--text", description = "Print each result as text (completion and a facts line) instead of JSON.")
  boolean text;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (KafkaConsumer<String, CodeGenResult> consumer = ClientFactory.resultConsumer(connection)) {
      List<TopicPartition> partitions = consumer.partitionsFor(connection.resultsTopic(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        consumer.wakeup();
        try {
          main.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      long printed = 0;
      try {
        while (maxRecords < 0 || printed < maxRecords) {
          printed = print(consumer.poll(Duration.ofMillis(500)), printed, out);
        }
      } catch (WakeupException stop) {
        // Ctrl-C
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // already shutting down
        }
      }
    }
    return 0;
  }

  /**
   * Prints results of one poll and returns how many were printed in all; stops at {@code --max-records}, also in
   * the middle of a poll.
   */
  long print(Iterable<ConsumerRecord<String, CodeGenResult>> records, long printed, PrintWriter out) {
    for (ConsumerRecord<String, CodeGenResult> record : records) {
      if (maxRecords >= 0 && printed >= maxRecords) {
        break;
      }
      if (record.value() != null) {
        out.println(text ? ResultText.describe(record.value()) : AvroJson.toJson(record.value()));
        out.flush();
        printed++;
      }
    }
    return printed;
  }
}
