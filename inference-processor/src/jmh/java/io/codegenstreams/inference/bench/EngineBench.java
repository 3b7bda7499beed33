package io.codegenstreams.inference.bench;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Plain runnable benchmark of the engine alone (no Kafka), static vs continuous batching. Measurements of the two
 * modes are interleaved (static, continuous, static, ...) so that the noise of a shared machine hits both alike.
 *
 * <p>Part 1, saturation: all requests queued at once; tokens/s, requests/s, P50 and P99 at batch 1, 8, 32, for
 * fixed 64-token outputs and for mixed output lengths (uniform 8..128 new tokens).
 *
 * <p>Part 2, same P99: open-loop Poisson arrivals, mixed output lengths, batch {@code sweepBatch}. The P99 targets
 * are {@code m}, {@code 2m} and {@code 4m} times the P99 end-to-end latency of the same requests served alone
 * (one at a time). For each mode the offered rate is stepped up geometrically (x1.25) until its P99 exceeds the
 * largest target twice in a row (past saturation), then, per target, bisected (3 times, geometric midpoint)
 * between the highest rate that met it and the next rate that missed it. A point that misses is measured a second
 * time and the lower P99 kept (on a shared machine noise only adds latency). A point meets a target only when its
 * drain time (last arrival to last answer) is within it too, and it lasts at least 4 targets of arrivals, so that a
 * rate past saturation cannot pass on a short run; and an offered rate above the most answers per second the mode
 * delivered in any run of the sweep (its capacity) never passes. The result per target: the max
 * offered rate of each mode whose P99 stays under the target, and their ratio continuous/static. Saturation
 * figures are the best of 3 interleaved runs.
 *
 * <p>Usage: {@code EngineBench [model] [requests] [threads] [m] [sweepBatch]} (defaults: java-coder-3m 192 2 3 32).
 */
public final class EngineBench {
    private static final double GROWTH = 1.25;
    private static final int BISECTIONS = 3;
    private static final double SECONDS_PER_POINT = 5;
    private static final int MIN_PER_POINT = 150;
    private static final int MAX_STEPS = 24;
    private static final int SATURATION_REPEATS = 3;

    private EngineBench() {
    }

    /** {@code drainMs}: from the last arrival to the last answer (a backlog left when arrivals stop). */
    record Run(double tokensPerSec, double requestsPerSec, double p50Ms, double p99Ms, int tokens, double meanMs,
               double drainMs) {
        /**
         * A run meets a P99 target when its P99 and its drain time are both within it: past saturation a finite
         * run can show a P99 under the target while it leaves a growing queue behind, which the drain shows.
         */
        boolean meets(double targetMs) {
            return p99Ms <= targetMs && drainMs <= targetMs;
        }
    }

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "java-coder-3m";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 192;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        double multiplier = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        int sweepBatch = args.length > 4 ? Integer.parseInt(args[4]) : 32;
        boolean skipSaturation = Boolean.getBoolean("bench.skipSaturation");
        System.out.printf(Locale.ROOT, "model %s, %d requests per saturation run, %d intra-op threads, %s, %d cores,"
                + " load average at start %.2f%n", model, n, threads, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (!skipSaturation) {
            saturation(model, n, threads);
        }
        sameP99(model, threads, multiplier, sweepBatch);
    }

    static void saturation(String model, int n, int threads) throws Exception {
        System.out.println("\n== saturation: all requests queued at once (static and continuous interleaved) ==");
        System.out.println("batch outputs mode        tokens/s  requests/s  p50 ms   p99 ms   cont/static tokens/s");
        for (String outputs : List.of("mixed", "64")) {
            List<GenerationRequest> work = outputs.equals("64") ? Workload.fixed(n, 1, 64) : Workload.mixed(n, 1);
            for (int batch : new int[]{1, 8, 32}) {
                List<GenerationRequest> w = batch == 1 ? work.subList(0, Math.max(8, n / 4)) : work;
                try (InferenceEngine s = engine(model, threads, EngineConfig.STATIC, batch);
                     InferenceEngine c = engine(model, threads, EngineConfig.CONTINUOUS, batch)) {
                    Run rs = null;
                    Run rc = null;
                    for (int k = 0; k < SATURATION_REPEATS; k++) { // interleaved; best of the repeats
                        rs = best(rs, saturate(s, w));
                        rc = best(rc, saturate(c, w));
                    }
                    print(batch, outputs, EngineConfig.STATIC, rs, "");
                    print(batch, outputs, EngineConfig.CONTINUOUS, rc,
                            String.format(Locale.ROOT, "%.2f", rc.tokensPerSec / rs.tokensPerSec));
                }
            }
        }
    }

    private static Run best(Run a, Run b) {
        return a == null || b.tokensPerSec > a.tokensPerSec ? b : a;
    }

    private static void print(int batch, String outputs, String mode, Run r, String ratio) {
        System.out.printf(Locale.ROOT, "%5d %-7s %-11s %8.0f %11.1f %7.0f %8.0f   %s%n", batch, outputs, mode,
                r.tokensPerSec, r.requestsPerSec, r.p50Ms, r.p99Ms, ratio);
    }

    static InferenceEngine engine(String model, int threads, String mode, int batch) throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put(EngineConfig.MODELS, model);
        m.put(EngineConfig.DEFAULT_MODEL, model);
        m.put(EngineConfig.INTRA_OP_THREADS, threads);
        m.put(EngineConfig.BATCHING_MODE, mode);
        m.put(EngineConfig.BATCH_MAX_SIZE, batch);
        m.put(EngineConfig.BATCHING_ADAPTIVE, false);
        m.put(EngineConfig.BATCH_MAX_WAIT_MS, 5);
        m.put(EngineConfig.WARMUP_BATCH_SIZES, String.valueOf(batch));
        m.put(EngineConfig.QUEUE_CAPACITY_NORMAL, 100_000);
        InferenceEngine e = InferenceEngines.create(new EngineConfig(m));
        e.whenReady().get(5, TimeUnit.MINUTES);
        return e;
    }

    static Run saturate(InferenceEngine e, List<GenerationRequest> work) throws Exception {
        long t0 = System.nanoTime();
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (GenerationRequest r : work) {
            fs.add(e.submit(r));
        }
        return collect(fs, t0);
    }

    static Run collect(List<CompletableFuture<Completion>> fs, long t0) throws Exception {
        return collect(fs, t0, t0);
    }

    static Run collect(List<CompletableFuture<Completion>> fs, long t0, long lastArrival) throws Exception {
        double[] lat = new double[fs.size()];
        int tokens = 0;
        long end = t0;
        double sum = 0;
        for (int i = 0; i < fs.size(); i++) {
            Completion c = fs.get(i).get(10, TimeUnit.MINUTES);
            tokens += c.completionTokens();
            lat[i] = (c.queueNanos() + c.inferenceNanos()) / 1e6;
            sum += lat[i];
            end = Math.max(end, System.nanoTime());
        }
        double secs = (end - t0) / 1e9;
        Arrays.sort(lat);
        return new Run(tokens / secs, fs.size() / secs, pct(lat, 0.50), pct(lat, 0.99), tokens, sum / fs.size(),
                Math.max(0, (end - lastArrival) / 1e6));
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The measured points of one mode: offered rate -> run. */
    static final class Curve {
        final String mode;
        final InferenceEngine engine;
        final TreeMap<Double, Run> points = new TreeMap<>();
        int missesInARow;
        boolean saturated;

        Curve(String mode, InferenceEngine engine) {
            this.mode = mode;
            this.engine = engine;
        }

        /**
         * Highest rate that met the target (0 if none). On a shared machine noise only adds latency, so a point
         * that met the target is evidence; a miss may be noise (and was measured twice, see measure()).
         */
        double maxPassing(double target) {
            double best = 0;
            for (Map.Entry<Double, Run> p : points.entrySet()) {
                if (passes(p.getKey(), p.getValue(), target)) {
                    best = p.getKey();
                }
            }
            return best;
        }

        /**
         * The most answers per second this mode ever delivered in the sweep: past saturation every run delivers
         * about its capacity. An offered rate above it cannot be sustained, whatever a finite run's P99 says.
         */
        double capacity() {
            return points.values().stream().mapToDouble(Run::requestsPerSec).max().orElse(Double.POSITIVE_INFINITY);
        }

        boolean passes(double rate, Run r, double target) {
            return r.meets(target) && rate <= capacity();
        }

        /** Lowest rate above {@link #maxPassing} that missed the target (+infinity if none). */
        double minFailing(double target) {
            Map.Entry<Double, Run> above = points.higherEntry(maxPassing(target));
            for (; above != null; above = points.higherEntry(above.getKey())) {
                if (!passes(above.getKey(), above.getValue(), target)) {
                    return above.getKey();
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    static void sameP99(String model, int threads, double multiplier, int batch) throws Exception {
        List<GenerationRequest> pool = Workload.mixed(4000, 2);
        Run alone;
        try (InferenceEngine e = engine(model, threads, EngineConfig.CONTINUOUS, 1)) {
            List<CompletableFuture<Completion>> one = new ArrayList<>();
            for (GenerationRequest r : pool.subList(0, 100)) {
                CompletableFuture<Completion> f = e.submit(r);
                f.get();
                one.add(f);
            }
            alone = collect(one, System.nanoTime());
        }
        double[] targets = {multiplier * alone.p99Ms, 2 * multiplier * alone.p99Ms, 4 * multiplier * alone.p99Ms};
        double start = 0.2 * 1000 / alone.meanMs; // a fifth of what one request at a time can serve
        System.out.printf(Locale.ROOT, "%n== same P99: open-loop Poisson arrivals, batch %d, outputs uniform %d..%d ==%n"
                + "served alone (one at a time): mean %.1f ms, P99 %.1f ms; P99 targets %.0f / %.0f / %.0f ms"
                + " (%.0fx / %.0fx / %.0fx alone)%n", batch, Workload.MIXED_MIN, Workload.MIXED_MAX, alone.meanMs,
                alone.p99Ms, targets[0], targets[1], targets[2], multiplier, 2 * multiplier, 4 * multiplier);
        System.out.println("phase   mode        offered/s  achieved/s  tokens/s  p50 ms   p99 ms drain ms  requests");
        try (InferenceEngine s = engine(model, threads, EngineConfig.STATIC, batch);
             InferenceEngine c = engine(model, threads, EngineConfig.CONTINUOUS, batch)) {
            List<Curve> curves = List.of(new Curve(EngineConfig.STATIC, s), new Curve(EngineConfig.CONTINUOUS, c));
            double top = targets[targets.length - 1];
            // step up, interleaved, until each mode misses the largest target
            double rate = start;
            for (int i = 0; i < MAX_STEPS && curves.stream().anyMatch(x -> !x.saturated); i++, rate *= GROWTH) {
                for (Curve curve : curves) {
                    if (!curve.saturated) {
                        Run r = measure(curve, pool, rate, "step", targets[0]);
                        curve.missesInARow = !r.meets(top) ? curve.missesInARow + 1 : 0;
                        curve.saturated = curve.missesInARow >= 2;
                    }
                }
            }
            // bisect per target, interleaved
            for (double target : targets) {
                for (int k = 0; k < BISECTIONS; k++) {
                    for (Curve curve : curves) {
                        double lo = curve.maxPassing(target);
                        double hi = curve.minFailing(target);
                        if (lo > 0 && hi != Double.POSITIVE_INFINITY && hi / lo > 1.03) {
                            measure(curve, pool, Math.sqrt(lo * hi), "bisect", target);
                        }
                    }
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "capacity (most answers/s delivered in one run): static %.1f,"
                    + " continuous %.1f%n", curves.get(0).capacity(), curves.get(1).capacity());
            for (int t = 0; t < targets.length; t++) {
                double rs = curves.get(0).maxPassing(targets[t]);
                double rc = curves.get(1).maxPassing(targets[t]);
                System.out.printf(Locale.ROOT, "P99 <= %4.0f ms (%2.0fx alone): max offered req/s static %6.1f (%s),"
                                + " continuous %6.1f (%s); continuous/static = %s%n",
                        targets[t], (t == 0 ? 1 : t == 1 ? 2 : 4) * multiplier, rs, tokensAt(curves.get(0), rs), rc,
                        tokensAt(curves.get(1), rc),
                        rs == 0 ? "n/a (static never met it)" : String.format(Locale.ROOT, "%.2f", rc / rs));
            }
        }
    }

    private static String tokensAt(Curve curve, double rate) {
        Run r = curve.points.get(rate);
        return r == null ? "-" : String.format(Locale.ROOT, "%.0f tokens/s, P99 %.0f ms", r.tokensPerSec, r.p99Ms);
    }

    /** One point; a point missing {@code retryAbove} is measured once more and the lower P99 kept. */
    private static Run measure(Curve curve, List<GenerationRequest> pool, double rate, String phase,
                               double retryAbove) throws Exception {
        // long enough that an overload builds a backlog beyond the target: at least 4 targets of arrivals
        double seconds = Math.max(SECONDS_PER_POINT, 4 * retryAbove / 1000);
        int count = (int) Math.min(pool.size(), Math.max(MIN_PER_POINT, rate * seconds));
        Run r = null;
        for (int k = 0; k < 2 && (r == null || !r.meets(retryAbove)); k++) {
            // the same requests and the same arrival times for both modes at a given rate
            Run x = openLoop(curve.engine, pool.subList(0, count), rate, Double.doubleToLongBits(rate));
            System.out.printf(Locale.ROOT, "%-7s %-11s %9.1f %11.1f %9.0f %7.0f %8.0f %8.0f %9d%n",
                    k == 0 ? phase : "again", curve.mode, rate, x.requestsPerSec, x.tokensPerSec, x.p50Ms, x.p99Ms,
                    x.drainMs, count);
            r = r == null || Math.max(x.p99Ms, x.drainMs) < Math.max(r.p99Ms, r.drainMs) ? x : r;
        }
        curve.points.put(rate, r);
        return r;
    }

    static Run openLoop(InferenceEngine e, List<GenerationRequest> work, double rate, long seed) throws Exception {
        Random r = new Random(seed);
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        long next = t0;
        for (GenerationRequest req : work) {
            next += (long) (-Math.log(1 - r.nextDouble()) / rate * 1e9);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            fs.add(e.submit(req));
        }
        return collect(fs, t0, System.nanoTime());
    }
}
