package io.codegenstreams.perf.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** {@code summary.json}: {@link Summary#json}. */
public final class JsonReport {
  private JsonReport() {}

  public static void write(RunResult run, Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), Summary.json(run));
  }
}
