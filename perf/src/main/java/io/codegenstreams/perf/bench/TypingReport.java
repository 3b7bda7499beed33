package io.codegenstreams.perf.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the typing workload's figures: {@code typing.md} (a table per engine) and {@code typing.json}. */
final class TypingReport {
  private TypingReport() {}

  static void write(List<TypingBenchmark.ModeResult> results, TypingBenchmark.Settings s, String command, Path out)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Typing workload\n\n`").append(command).append("`: ").append(s.editors())
        .append(" editors for ").append(s.duration().toSeconds()).append(" s per mode; each keystroke supersedes the")
        .append(" request in flight with probability ").append(s.supersedeProbability()).append(" (50-300 ms later),")
        .append(" else the editor waits for the result and thinks 200-800 ms; ").append(s.maxNewTokens())
        .append(" new tokens, streamed, lanes round robin. Goodput: wanted requests answered OK per second.")
        .append(" Abandoned slot time: the decode time held by requests nobody wanted any more.\n\n")
        .append("| engine | cancellation | sent | abandoned | cancelled | goodput /s | abandoned slot s | wanted slot s |")
        .append(" wanted P50 / P99 ms | TTFT P50 / P99 ms (wanted, per lane) |\n|---|---|---|---|---|---|---|---|---|---|\n");
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode json = mapper.createArrayNode();
    for (TypingBenchmark.ModeResult r : results) {
      StringBuilder ttft = new StringBuilder();
      ObjectNode lanes = mapper.createObjectNode();
      r.ttftP50P99Ms().forEach((lane, p) -> {
        ttft.append(lane.name()).append(' ').append(fmt(p[0])).append(" / ").append(fmt(p[1])).append("; ");
        lanes.putObject(lane.name().toLowerCase(Locale.ROOT)).put("p50_ms", p[0]).put("p99_ms", p[1]);
      });
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.2f | %.1f | %.1f | %s / %s | %s |%n",
          r.engine(), r.cancellation() ? "on" : "off", r.sent(), r.abandoned(), r.cancelled(), r.goodputPerSecond(),
          r.abandonedSlotSeconds(), r.wantedSlotSeconds(), fmt(r.wantedP50Ms()), fmt(r.wantedP99Ms()), ttft));
      ObjectNode n = json.addObject();
      n.put("engine", r.engine()).put("cancellation", r.cancellation()).put("seconds", r.seconds())
          .put("sent", r.sent()).put("abandoned", r.abandoned()).put("cancelled", r.cancelled())
          .put("wanted", r.wanted()).put("wanted_ok", r.wantedOk()).put("goodput_per_s", r.goodputPerSecond())
          .put("abandoned_slot_s", r.abandonedSlotSeconds()).put("wanted_slot_s", r.wantedSlotSeconds())
          .put("wanted_p50_ms", r.wantedP50Ms()).put("wanted_p99_ms", r.wantedP99Ms()).put("missing", r.missing());
      n.set("ttft", lanes);
    }
    for (int i = 0; i + 1 < results.size(); i += 2) {
      TypingBenchmark.ModeResult off = results.get(i);
      TypingBenchmark.ModeResult on = results.get(i + 1);
      md.append(String.format(Locale.ROOT, "%n%s: goodput with cancellation / without = %.2f; abandoned slot time"
              + " %.1f s -> %.1f s.%n", on.engine(), off.goodputPerSecond() == 0 ? 0 : on.goodputPerSecond()
              / off.goodputPerSecond(), off.abandonedSlotSeconds(), on.abandonedSlotSeconds()));
    }
    Files.writeString(out.resolve("typing.md"), md.toString());
    mapper.writeValue(out.resolve("typing.json").toFile(), json);
  }

  private static String fmt(double ms) {
    return String.format(Locale.ROOT, "%.0f", ms);
  }
}
