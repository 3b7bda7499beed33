package io.codegenstreams.perf.bench;

import io.codegenstreams.perf.load.EngineMeter;
import io.codegenstreams.perf.load.KafkaSink;
import io.codegenstreams.perf.load.LoadRunner;
import io.codegenstreams.perf.load.Outcome;
import io.codegenstreams.perf.load.PointResult;
import io.codegenstreams.perf.load.RequestSink;
import io.codegenstreams.perf.load.ResultTracker;
import io.codegenstreams.perf.workload.Mix;
import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.WorkloadPlanner;
import io.codegenstreams.perf.workload.WorkloadSpec;
import io.codegenstreams.schemas.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;

/**
 * What every measurement of a run shares: the cluster, the Kafka client side of the load generator, the profile,
 * the progress display, and the source of request ids and random seeds (one seed per run, so a rerun replays the
 * same arrivals).
 */
final class BenchContext {
  private static final Duration LONG = Duration.ofMinutes(10);
  private static final int WARM_UP_CONCURRENCY = 4;

  final PerfCluster cluster;
  final KafkaSink kafka;
  final PerfProfile profile;
  final Progress progress;
  private final long seed;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicInteger plans = new AtomicInteger();

  BenchContext(PerfCluster cluster, KafkaSink kafka, PerfProfile profile, Progress progress, long seed) {
    this.cluster = cluster;
    this.kafka = kafka;
    this.profile = profile;
    this.progress = progress;
    this.seed = seed;
  }

  /** A fresh random source for arrivals at one rate: the same for the same (rate, purpose) in every run. */
  Random random(double qps, String purpose) {
    return new Random(seed ^ Double.hashCode(qps) ^ purpose.hashCode());
  }

  List<PlannedRequest> plan(WorkloadSpec workload, List<Long> arrivals, long planSeed) {
    String prefix = "perf-" + runId + "-" + plans.incrementAndGet() + "-";
    return new WorkloadPlanner(workload, prefix).plan(arrivals, planSeed ^ seed);
  }

  /** Runs a plan with a progress bar and a line of result. */
  PointResult run(String task, double qps, List<PlannedRequest> plan, RequestSink sink, LoadRunner.Settings settings,
                  EngineMeter meter) {
    PointResult r = progress.bar(task, plan.size(), tick -> new LoadRunner(settings, meter).run(qps, plan, sink, tick));
    progress.say("%s: offered %.2f/s achieved %.2f/s, P50 %.0f ms, P99 %.0f ms, util %.0f%%, batch %.1f, %d sent%s%s",
        task, qps, r.achievedQps(), r.p50Ms(), r.p99Ms(), r.utilisation() * 100, r.meanBatch(), r.sent(),
        !settings.abortEarly() ? "" : r.passed() ? " (meets target)" : " (misses target)",
        r.aborted() ? ", stopped early" : "");
    return r;
  }

  /** Settings of a sweep run: the target, deadline 2x target, abort once lost. */
  LoadRunner.Settings sweepSettings(Duration target) {
    return new LoadRunner.Settings(target, profile.deadline(target), Duration.ofSeconds(1), true);
  }

  /** Settings of a measurement that must run to its end (floods, single requests). */
  LoadRunner.Settings patientSettings(Duration deadline) {
    return new LoadRunner.Settings(LONG, deadline, Duration.ofSeconds(3), false);
  }

  /**
   * Time from {@code start} to the first committed result: a short request is produced, then {@code start} runs
   * (starting an engine and/or the pipeline, in this thread), then its result is awaited.
   */
  double firstResultMillis(String task, Runnable start) {
    String id = "perf-" + runId + "-start-" + plans.incrementAndGet();
    ResultTracker tracker = new ResultTracker(LONG.toNanos());
    kafka.attach(tracker);
    long began = System.nanoTime();
    tracker.sent(id, Priority.NORMAL, began);
    Instant now = Instant.now();
    kafka.send(new PlannedRequest(0, id, Priority.NORMAL, 64, 8, false), now, now.plus(LONG));
    start.run();
    awaitAnswers(tracker, Duration.ofMinutes(5));
    double ms = tracker.count(Outcome.OK) == 1 ? (tracker.lastAnswerNanos() - began) / 1e6 : Double.NaN;
    progress.say("%s: first result %.2f s after start", task, ms / 1000);
    return ms;
  }

  /**
   * Waits until every partition's task answers: one short request per partition, all answered. After a start the
   * pipeline is RUNNING once its partitions are assigned, but tasks may still be restoring their stores from the
   * changelogs; a load run started then would measure the restoration.
   */
  void awaitAllPartitions(String task) {
    ResultTracker tracker = new ResultTracker(LONG.toNanos());
    kafka.attach(tracker);
    Instant now = Instant.now();
    for (String id : idsCoveringPartitions("perf-" + runId + "-ready-" + plans.incrementAndGet() + "-")) {
      tracker.sent(id, Priority.NORMAL, System.nanoTime());
      kafka.send(new PlannedRequest(0, id, Priority.NORMAL, 16, 1, false), now, now.plus(LONG));
    }
    long began = System.nanoTime();
    awaitAnswers(tracker, Duration.ofMinutes(5));
    progress.say("%s: every partition answers (%.2f s)", task, (System.nanoTime() - began) / 1e9);
  }

  /**
   * Keeps {@link #WARM_UP_CONCURRENCY} requests (mean prompt and output lengths) in flight through {@code sink} for
   * the profile's warm-up time, answers discarded. A pipeline that has just started is slow for its first seconds
   * (the JIT compiles the stream threads' and clients' code paths, caches fill): measured cold, the first rate of a
   * sweep and the idle latency would measure the start-up instead of the steady state. Cold and warm start are
   * measured apart, before this.
   */
  void warmUp(String task, WorkloadSpec workload, RequestSink sink) {
    long until = System.nanoTime() + Duration.ofMillis(Math.round(profile.warmUpSeconds() * 1000)).toNanos();
    int prompt = (int) Math.round(workload.meanPromptBytes());
    int output = (int) Math.round(workload.meanOutputTokens());
    int answered = 0;
    long began = System.nanoTime();
    while (System.nanoTime() < until) {
      ResultTracker tracker = new ResultTracker(LONG.toNanos());
      sink.attach(tracker);
      Instant now = Instant.now();
      for (int i = 0; i < WARM_UP_CONCURRENCY; i++) {
        String id = "perf-" + runId + "-warm-" + plans.incrementAndGet();
        tracker.sent(id, Priority.NORMAL, System.nanoTime());
        sink.send(new PlannedRequest(0, id, Priority.NORMAL, prompt, output, false), now, now.plus(LONG));
      }
      awaitAnswers(tracker, Duration.ofMinutes(1));
      answered += tracker.count(Outcome.OK);
    }
    progress.say("%s: warmed up (%d requests in %.1f s)", task, answered, (System.nanoTime() - began) / 1e9);
  }

  /** Waits until every request {@code tracker} knows of is answered, or {@code timeout} passed. */
  private static void awaitAnswers(ResultTracker tracker, Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    while (tracker.pending() > 0 && System.nanoTime() < until) {
      LockSupport.parkNanos(2_000_000L);
    }
  }

  /** Request ids that the default partitioner spreads over every partition of the requests topic. */
  static List<String> idsCoveringPartitions(String prefix) {
    int partitions = PerfCluster.PARTITIONS;
    String[] ids = new String[partitions];
    int found = 0;
    for (int i = 0; found < partitions; i++) {
      String id = prefix + i;
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
      if (ids[p] == null) {
        ids[p] = id;
        found++;
      }
    }
    return List.of(ids);
  }

  /**
   * The idle distribution ({@link IdleLatency}): the classes of the mix (prompt x output length, after fitting the
   * model) sent alone, one at a time, in turn: each at least {@code idleSamples} times and on until
   * {@code idleSeconds} have passed, since identical requests alone already differ (a result waits for its
   * transaction's commit), and a P99 needs more than a handful of them.
   */
  IdleLatency idleLatency(WorkloadSpec workload, RequestSink sink, EngineMeter meter) {
    Map<IdleClass, Double> weights = new LinkedHashMap<>();
    Mix<Integer> prompts = workload.promptBytes();
    Mix<Integer> outputs = workload.outputTokens();
    for (int p = 0; p < prompts.values().size(); p++) {
      for (int o = 0; o < outputs.values().size(); o++) {
        weights.merge(new IdleClass(prompts.values().get(p), outputs.values().get(o)),
            prompts.probability(p) * outputs.probability(o), Double::sum);
      }
    }
    Map<IdleClass, List<Double>> samples = new LinkedHashMap<>();
    weights.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
    long until = System.nanoTime() + (long) (profile.idleSeconds() * 1e9);
    for (int round = 0; round < profile.idleSamples() || System.nanoTime() < until; round++) {
      for (Map.Entry<IdleClass, List<Double>> c : samples.entrySet()) {
        PlannedRequest r = new PlannedRequest(0, "perf-" + runId + "-idle-" + plans.incrementAndGet(),
            Priority.NORMAL, c.getKey().promptBytes(), c.getKey().outputTokens(), false);
        c.getValue().add(new LoadRunner(patientSettings(LONG), meter).run(0, List.of(r), sink, n -> {}).p50Ms());
      }
    }
    List<IdleLatency.Sample> all = new ArrayList<>();
    samples.forEach((c, ms) -> ms.forEach(m -> all.add(new IdleLatency.Sample(weights.get(c) / ms.size(), m))));
    IdleLatency idle = IdleLatency.of(all);
    progress.say("one request alone, %d samples of %d classes: P50 %.0f ms, P99 %.0f ms (class medians: %s)",
        all.size(), samples.size(), idle.p50Ms(), idle.p99Ms(), samples.entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%dB/%dt %.0f", e.getKey().promptBytes(), e.getKey().outputTokens(),
                e.getValue().stream().sorted().toList().get(e.getValue().size() / 2)))
            .collect(Collectors.joining(", ")));
    return idle;
  }

  /** One class of the mix: a prompt length and an output length. */
  private record IdleClass(int promptBytes, int outputTokens) {}
}
