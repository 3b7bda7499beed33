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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Plain runnable benchmark of the engine alone (no Kafka), static vs continuous batching.
 *
 * <p>Part 1, saturation: all requests queued at once; tokens/s, requests/s and P99 at batch 1, 8, 32, for
 * fixed 64-token outputs and for mixed output lengths. Part 2, same P99: open-loop Poisson arrivals at
 * increasing rates for each mode (batch 32, mixed lengths); the highest achieved rate whose P99 stays under the
 * target ({@code multiplier} x the P99 of the same requests served one at a time; default 3, since this shared
 * 2-core machine is noisy) gives the ratio continuous / static.
 *
 * <p>Usage: {@code EngineBench [model] [requests] [threads] [multiplier]} (defaults: java-coder-tiny 192 2 3).
 */
public final class EngineBench {
    private EngineBench() {
    }

    record Run(double tokensPerSec, double requestsPerSec, double p50Ms, double p99Ms, int tokens) {
    }

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "java-coder-tiny";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 192;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        double multiplier = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        System.out.printf(Locale.ROOT, "model %s, %d requests per run, %d intra-op threads, %s%n", model, n, threads,
                System.getProperty("java.version"));
        System.out.println("\n== saturation: all requests queued at once ==");
        System.out.println("mode        batch outputs  tokens/s  requests/s  p50 ms   p99 ms");
        for (String outputs : List.of("64", "mixed")) {
            List<GenerationRequest> work = outputs.equals("64") ? Workload.fixed(n, 1, 64) : Workload.mixed(n, 1);
            for (int batch : new int[]{1, 8, 32}) {
                for (String mode : List.of(EngineConfig.STATIC, EngineConfig.CONTINUOUS)) {
                    if (batch == 1 && mode.equals(EngineConfig.STATIC)) {
                        continue; // identical at batch 1
                    }
                    List<GenerationRequest> w = batch == 1 ? work.subList(0, Math.max(8, n / 8)) : work;
                    try (InferenceEngine e = engine(model, threads, mode, batch)) {
                        Run r = saturate(e, w);
                        System.out.printf(Locale.ROOT, "%-11s %5d %-7s %9.0f %11.1f %7.0f %8.0f%n",
                                batch == 1 ? "batch-1" : mode, batch, outputs, r.tokensPerSec, r.requestsPerSec,
                                r.p50Ms, r.p99Ms);
                    }
                }
            }
        }
        sameP99(model, n, threads, multiplier);
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
        return collect(fs, t0, null);
    }

    static Run collect(List<CompletableFuture<Completion>> fs, long t0, long[] submitted) throws Exception {
        double[] lat = new double[fs.size()];
        int tokens = 0;
        long end = t0;
        for (int i = 0; i < fs.size(); i++) {
            Completion c = fs.get(i).get(10, TimeUnit.MINUTES);
            tokens += c.completionTokens();
            lat[i] = (c.queueNanos() + c.inferenceNanos()) / 1e6;
            end = Math.max(end, System.nanoTime());
        }
        double secs = (end - t0) / 1e9;
        Arrays.sort(lat);
        return new Run(tokens / secs, fs.size() / secs, pct(lat, 0.50), pct(lat, 0.99), tokens);
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Open-loop sweep per mode at batch 32; ratio of the highest rates meeting the same P99 target. */
    static void sameP99(String model, int n, int threads, double multiplier) throws Exception {
        List<GenerationRequest> work = Workload.mixed(n, 2);
        double alone;
        try (InferenceEngine e = engine(model, threads, EngineConfig.CONTINUOUS, 1)) {
            List<CompletableFuture<Completion>> one = new ArrayList<>();
            for (GenerationRequest r : work.subList(0, Math.min(64, n))) {
                CompletableFuture<Completion> f = e.submit(r);
                f.get();
                one.add(f);
            }
            alone = collect(one, System.nanoTime(), null).p99Ms;
        }
        double target = multiplier * alone;
        double capacity;
        try (InferenceEngine e = engine(model, threads, EngineConfig.CONTINUOUS, 32)) {
            capacity = saturate(e, work).requestsPerSec;
        }
        System.out.printf(Locale.ROOT, "%n== same P99: open-loop Poisson arrivals, batch 32, mixed outputs ==%n"
                + "P99 target %.0f ms (%.1fx the P99 of the same requests served alone, %.0f ms); continuous saturation"
                + " %.1f req/s%n",
                target, multiplier, alone, capacity);
        System.out.println("mode        offered/s  achieved/s  tokens/s  p50 ms   p99 ms");
        Map<String, List<double[]>> curves = new HashMap<>();
        for (String mode : List.of(EngineConfig.STATIC, EngineConfig.CONTINUOUS)) {
            List<double[]> curve = new ArrayList<>();
            curves.put(mode, curve);
            try (InferenceEngine e = engine(model, threads, mode, 32)) {
                for (double f : new double[]{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8}) {
                    double rate = f * capacity;
                    // about 8 s of arrivals per point, at least 40 requests
                    int count = (int) Math.min(work.size(), Math.max(40, rate * 8));
                    Run r = openLoop(e, work.subList(0, count), rate, 3);
                    curve.add(new double[]{r.requestsPerSec, r.p99Ms});
                    System.out.printf(Locale.ROOT, "%-11s %9.1f %11.1f %9.0f %7.0f %8.0f%n", mode, rate,
                            r.requestsPerSec, r.tokensPerSec, r.p50Ms, r.p99Ms);
                }
            }
        }
        System.out.println();
        for (double m : new double[]{multiplier, 2 * multiplier, 4 * multiplier}) {
            double limit = m * alone;
            double s = maxRate(curves.get(EngineConfig.STATIC), limit);
            double c = maxRate(curves.get(EngineConfig.CONTINUOUS), limit);
            System.out.printf(Locale.ROOT, "max req/s with P99 <= %.0f ms (%.0fx alone): static %.1f, continuous %.1f;"
                    + " continuous/static = %s%n", limit, m, s, c,
                    s == 0 ? "n/a (static never met it)" : String.format(Locale.ROOT, "%.2f", c / s));
        }
    }

    static double maxRate(List<double[]> curve, double p99Limit) {
        double best = 0;
        for (double[] point : curve) {
            if (point[1] <= p99Limit) {
                best = Math.max(best, point[0]);
            }
        }
        return best;
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
        return collect(fs, t0, null);
    }
}
