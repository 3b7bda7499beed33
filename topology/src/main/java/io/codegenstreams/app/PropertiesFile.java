package io.codegenstreams.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Reads a Java properties file given on the command line; the error names the option. */
final class PropertiesFile {
  private PropertiesFile() {}

  static Map<String, String> read(Path file, String option) {
    Map<String, String> values = new HashMap<>();
    if (file == null) {
      return values;
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + option + " " + file + ": " + e.getMessage(), e);
    }
    props.forEach((k, v) -> values.put(k.toString(), v.toString()));
    return values;
  }
}
