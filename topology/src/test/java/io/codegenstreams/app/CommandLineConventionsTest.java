package io.codegenstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Spellings users bring from Kafka's own tools. */
class CommandLineConventionsTest {

  @Test
  void shouldAcceptKafkasSingularSpellingWhenGivenBootstrapServer() {
    SubmitCommand singular = new SubmitCommand();
    new CommandLine(singular).parseArgs("--bootstrap-server", "broker:9093", "class A {");
    SubmitCommand plural = new SubmitCommand();
    new CommandLine(plural).parseArgs("--bootstrap-servers", "broker:9094", "class A {");
    assertThat(singular.connection.bootstrapServers).isEqualTo("broker:9093");
    assertThat(plural.connection.bootstrapServers).isEqualTo("broker:9094");
  }
}
