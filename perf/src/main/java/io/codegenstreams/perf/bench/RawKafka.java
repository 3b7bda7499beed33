package io.codegenstreams.perf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw Kafka throughput on the broker under test, measured by Kafka's own perf tools
 * ({@code org.apache.kafka.tools.ProducerPerformance} and {@code ConsumerPerformance}, what
 * {@code kafka-producer-perf-test.sh} and {@code kafka-consumer-perf-test.sh} run), each in a child JVM on this
 * classpath so that their {@code Exit} calls and stdout stay theirs. Their final report lines are parsed.
 */
final class RawKafka {
  private static final Pattern PRODUCER_RATE = Pattern.compile("records sent, ([0-9.]+) records/sec");

  private RawKafka() {}

  /** Records per second of ProducerPerformance with {@code acks=all}, unthrottled. */
  static double producer(String bootstrap, String topic, int records, int recordBytes) throws IOException {
    String out = run(List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
        "--num-records", Integer.toString(records), "--record-size", Integer.toString(recordBytes),
        "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all"));
    return parseProducer(out);
  }

  /** Records per second fetched by ConsumerPerformance (its {@code fetch.nMsg.sec}, rebalance time excluded). */
  static double consumer(String bootstrap, String topic, int records) throws IOException {
    String out = run(List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
        "--topic", topic, "--num-records", Integer.toString(records), "--timeout", "60000"));
    return parseConsumer(out);
  }

  static double parseProducer(String out) {
    Matcher m = PRODUCER_RATE.matcher(out);
    double rate = Double.NaN;
    while (m.find()) {
      rate = Double.parseDouble(m.group(1)); // the last line is the total
    }
    if (Double.isNaN(rate)) {
      throw new IllegalStateException("no ProducerPerformance summary in its output:\n" + out);
    }
    return rate;
  }

  static double parseConsumer(String out) {
    String[] lines = out.split("\\R");
    for (int i = 0; i < lines.length - 1; i++) {
      if (lines[i].contains("fetch.nMsg.sec")) {
        List<String> header = List.of(lines[i].split(",\\s*"));
        String[] values = lines[i + 1].split(",\\s*");
        return Double.parseDouble(values[header.indexOf("fetch.nMsg.sec")].trim());
      }
    }
    throw new IllegalStateException("no ConsumerPerformance summary in its output:\n" + out);
  }

  private static String run(List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    cmd.add(java.toString());
    cmd.add("-Xmx512m");
    cmd.add("-Dlog4j2.configurationFile=log4j2-cli.xml");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(mainAndArgs);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(mainAndArgs.get(0) + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
            + "):\n" + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
