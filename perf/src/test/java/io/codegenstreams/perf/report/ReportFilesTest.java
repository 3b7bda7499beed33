package io.codegenstreams.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
  @TempDir Path dir;

  @Test
  void shouldWriteTableCsvChartAndJsonWhenARunIsDone() throws Exception {
    EngineResult e = SummaryTest.engine(0.5, 2, 20, 25, new HighLaneResult(1, 40, 1000, 1100));
    RunResult run = new RunResult(true, "./codegen perf --quick", "w", List.of(e, e),
        new LimitsResult(500, 40_000, 100_000, 4_000, null), 12);
    MarkdownReport.write(run, dir.resolve("results.md"));
    CsvReport.write(run, dir.resolve("points.csv"));
    ChartReport.write(run, dir.resolve("latency.png"));
    JsonReport.write(run, dir.resolve("summary.json"));

    assertThat(Files.readString(dir.resolve("results.md"))).contains("| dynamic | 20.0 |").contains("kafka_share = 0.10");
    List<String> csv = Files.readAllLines(dir.resolve("points.csv"));
    assertThat(csv.get(0)).isEqualTo(CsvReport.HEADER);
    assertThat(csv).hasSize(1 + 2 * 8);
    byte[] png = Files.readAllBytes(dir.resolve("latency.png"));
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(Files.readString(dir.resolve("summary.json"))).contains("\"kafka_share\" : 0.1");
  }
}
