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

  @Test
  void shouldUseTheTopicNamesOfTheRunConfigWhenSubmitTailAndCancelAreGivenIt(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("pipeline.properties"),
        "requests.topic=team.requests\nresults.topic=team.results\nstream.topic=team.stream\nbatch.max.size=8\n");
    SubmitCommand submit = new SubmitCommand();
    new CommandLine(submit).parseArgs("--config", config.toString(), "class A {");
    TailCommand tail = new TailCommand();
    new CommandLine(tail).parseArgs("--config", config.toString());
    CancelCommand cancel = new CancelCommand();
    new CommandLine(cancel).parseArgs("--config", config.toString(), "some-id");

    for (ConnectionOptions c : java.util.List.of(submit.connection, tail.connection, cancel.connection)) {
      assertThat(c.requestsTopic()).isEqualTo("team.requests");
      assertThat(c.resultsTopic()).isEqualTo("team.results");
      assertThat(c.streamTopic()).isEqualTo("team.stream");
    }
  }

  @Test
  void shouldReadThePromptFromAFileWhenPromptFileIsGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String big = "class A {\n".repeat(200_000); // 2 MB: far beyond what a command line can carry
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("prompt.java"), big);
    SubmitCommand submit = new SubmitCommand();
    new CommandLine(submit).parseArgs("--prompt-file", file.toString());
    assertThat(submit.prompt()).isEqualTo(big);

    SubmitCommand both = new SubmitCommand();
    new CommandLine(both).parseArgs("--prompt-file", file.toString(), "class B {");
    org.assertj.core.api.Assertions.assertThatThrownBy(both::prompt).hasMessageContaining("not both");
    SubmitCommand neither = new SubmitCommand();
    new CommandLine(neither).parseArgs();
    org.assertj.core.api.Assertions.assertThatThrownBy(neither::prompt).hasMessageContaining("--prompt-file");
  }
}
