package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's generated sections (topology diagram, configuration reference) equal to the code. To refresh
 * them: {@code UPDATE_README=1 mvn -q test -pl topology -am -Dtest=ReadmeSectionsTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ReadmeSectionsTest {
  private static final Path README = Path.of("..", "README.md");

  @Test
  void shouldMatchTheCodeWhenTheReadmeIsCommitted() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String generated = ReadmeSections.apply(readme, ReadmeSections.sections());
    if (System.getenv("UPDATE_README") != null) {
      Files.writeString(README, generated, StandardCharsets.UTF_8);
      readme = generated;
    }
    assertThat(readme).as("README.md is out of date; regenerate it with UPDATE_README=1 (see this test's Javadoc)")
        .isEqualTo(generated);
  }

  @Test
  void shouldReplaceOnlyTheMarkedTextWhenApplyingASection() {
    String readme = "a\n<!-- generated:x -->\nold\n<!-- /generated:x -->\nb\n";
    assertThat(ReadmeSections.apply(readme, java.util.Map.of("x", "new\n")))
        .isEqualTo("a\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\nb\n");
  }
}
