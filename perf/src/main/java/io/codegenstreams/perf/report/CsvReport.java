package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.Outcome;
import io.codegenstreams.perf.load.PointResult;
import io.codegenstreams.schemas.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code points.csv}: one row per load run (every rate of every sweep), all raw figures. */
public final class CsvReport {
  static final String HEADER = "engine,config,mode,offered_qps,achieved_qps,sent,ok,timeout,rejected,failed,missing,"
      + "cached,p50_ms,p90_ms,p99_ms,max_ms,high_p99_ms,normal_p99_ms,low_p99_ms,utilisation,mean_batch,passed,"
      + "aborted,seconds,mean_queue_ms,mean_inference_ms,mean_other_ms";

  private CsvReport() {}

  public static void write(RunResult run, Path file) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (Summary.PointRow row : Summary.rows(run)) {
      b.append(line(row)).append('\n');
    }
    Files.writeString(file, b);
  }

  static String line(Summary.PointRow row) {
    PointResult p = row.point();
    return String.join(",", row.engine(), row.config(), row.mode(), num(p.offeredQps()), num(p.achievedQps()),
        Integer.toString(p.sent()), Integer.toString(p.count(Outcome.OK)), Integer.toString(p.count(Outcome.TIMEOUT)),
        Integer.toString(p.count(Outcome.REJECTED)), Integer.toString(p.count(Outcome.FAILED)),
        Integer.toString(p.count(Outcome.MISSING)), Integer.toString(p.cached()), num(p.p50Ms()), num(p.p90Ms()),
        num(p.p99Ms()), num(p.maxMs()), num(p.laneP99(Priority.HIGH)), num(p.laneP99(Priority.NORMAL)),
        num(p.laneP99(Priority.LOW)), num(p.utilisation()), num(p.meanBatch()), Boolean.toString(p.passed()),
        Boolean.toString(p.aborted()), num(p.seconds()), num(p.split().queueMs()),
        num(p.split().inferenceMs()), num(p.split().otherMs()));
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
  }
}
