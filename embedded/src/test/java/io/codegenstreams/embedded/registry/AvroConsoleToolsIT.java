package io.codegenstreams.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.TopicSpec;
import io.codegenstreams.serde.console.AvroJsonRecordReader;
import io.codegenstreams.serde.console.AvroMessageFormatter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own console producer and consumer, run in this JVM, with {@link AvroJsonRecordReader} and
 * {@link AvroMessageFormatter} against the embedded broker and registry: the same command lines a person types.
 */
@Tag("integration")
class AvroConsoleToolsIT {
  private static final String TOPIC = "console-requests";

  /** Thrown by the exit procedure so a tool's Exit.exit(code) returns control to the test. */
  private static final class ExitCalled extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    ExitCalled(int code) {
      super("exit " + code);
      this.code = code;
    }
  }

  @TempDir Path dataDir;
  private final List<Runnable> shutdownHooks = new ArrayList<>();

  @AfterEach
  void resetExit() {
    Exit.resetExitProcedure();
    Exit.resetShutdownHookAdder();
  }

  @Test
  void shouldProduceAvroFromJsonLinesAndPrintItAsJsonWhenUsingKafkasConsoleTools() throws Exception {
    Exit.setExitProcedure((code, message) -> {
      throw new ExitCalled(code);
    });
    Exit.setShutdownHookAdder((name, hook) -> shutdownHooks.add(hook));
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0).start();
         EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "x").start()) {
      TopicCreator.ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
          List.of(new TopicSpec(TOPIC, 1, Map.of())));

      int exit = produce(broker, registry, "{\"request_id\":\"r1\",\"prompt\":\"class A {\",\"priority\":\"HIGH\"}\n"
          + "{\"request_id\":\"r2\",\"prompt\":\"def f(\",\"model\":\"java-coder-3m\",\"seed\":9}\n");
      assertThat(exit).isZero();

      int failed = produce(broker, registry, "{\"request_id\":\"r3\",\"prompt\":\"ok\"}\n{not json}\n");
      assertThat(failed).as("a bad JSON line stops the producer with an error").isEqualTo(1);

      try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        plain.send(new ProducerRecord<>(TOPIC, "r4".getBytes(StandardCharsets.UTF_8),
            "not avro".getBytes(StandardCharsets.UTF_8))).get();
      }

      List<String> lines = consume(broker, registry, 4);
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0)).startsWith("Partition:0\tOffset:0\tr1\t{\"request_id\":\"r1\",\"prompt\":\"class A {\","
          + "\"model\":null,\"priority\":\"HIGH\",\"max_new_tokens\":64,\"temperature\":0.0,\"top_k\":0,\"stop\":[],");
      assertThat(lines.get(1)).startsWith("Partition:0\tOffset:1\tr2\t{\"request_id\":\"r2\",\"prompt\":\"def f(\","
          + "\"model\":{\"string\":\"java-coder-3m\"},\"priority\":\"NORMAL\"").contains("\"seed\":{\"long\":9}");
      assertThat(lines.get(2)).as("the line before the bad one was sent")
          .startsWith("Partition:0\tOffset:2\tr3\t{\"request_id\":\"r3\",\"prompt\":\"ok\"");
      assertThat(lines.get(3)).startsWith("Partition:0\tOffset:3\tr4\tERROR: UnknownMagicByteException: Unknown magic byte");
    }
  }

  private int produce(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, String input) {
    String[] args = {
        "--bootstrap-server", broker.bootstrapServers(), "--topic", TOPIC, "--sync",
        "--line-reader", AvroJsonRecordReader.class.getName(),
        "--reader-property", "schema.registry.url=" + registry.url(),
        "--reader-property", "auto.register.schemas=true"};
    InputStream originalIn = System.in;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      ConsoleProducer.main(args);
      throw new AssertionError("ConsoleProducer returned without calling Exit.exit");
    } catch (ExitCalled e) {
      if (e.code != 0) {
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Line 2 is not valid JSON");
      }
      return e.code;
    } finally {
      System.setIn(originalIn);
      System.setErr(originalErr);
      shutdownHooks.forEach(Runnable::run);
      shutdownHooks.clear();
    }
  }

  private List<String> consume(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, int count) throws Exception {
    String[] args = {
        "--bootstrap-server", broker.bootstrapServers(), "--topic", TOPIC, "--from-beginning",
        "--max-messages", Integer.toString(count), "--timeout-ms", "30000",
        "--formatter", AvroMessageFormatter.class.getName(),
        "--formatter-property", "schema.registry.url=" + registry.url(),
        "--formatter-property", "print.key=true",
        "--formatter-property", "print.partition=true",
        "--formatter-property", "print.offset=true"};
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ConsoleConsumer.main(args);
    } finally {
      System.setOut(originalOut);
    }
    return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(line -> line.startsWith("Partition:"))
        .toList();
  }
}
