package io.codegenstreams.topology.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition (version 0.0.4): samples with their labels, for assertions. */
record Scrape(String text, List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String name) {
      return labels.get(name);
    }
  }

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Scrape(text, samples);
  }

  List<Sample> all(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  List<Sample> all(String name, Predicate<Sample> filter) {
    return all(name).stream().filter(filter).toList();
  }

  /** Sum over every series of {@code name}. */
  double sum(String name) {
    return all(name).stream().mapToDouble(Sample::value).sum();
  }

  double sum(String name, Predicate<Sample> filter) {
    return all(name, filter).stream().mapToDouble(Sample::value).sum();
  }

  /** The value of the one series of {@code name} with exactly these label values (name, value, name, value...). */
  double value(String name, String... labelPairs) {
    List<Sample> found = all(name, s -> {
      for (int i = 0; i < labelPairs.length; i += 2) {
        if (!labelPairs[i + 1].equals(s.label(labelPairs[i]))) {
          return false;
        }
      }
      return true;
    });
    if (found.size() != 1) {
      throw new AssertionError("expected one series " + name + " " + List.of(labelPairs) + ", found " + found);
    }
    return found.get(0).value();
  }

  static Predicate<Sample> label(String name, String value) {
    return s -> value.equals(s.label(name));
  }
}
