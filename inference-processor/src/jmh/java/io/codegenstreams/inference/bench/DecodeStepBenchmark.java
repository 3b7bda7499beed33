package io.codegenstreams.inference.bench;

import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.internals.ort.OrtBackendProvider;
import io.codegenstreams.inference.spi.ByteLevelCodec;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.StepControl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Raw backend throughput (no scheduler): one operation = prefill + 63 KV-cache decode steps for {@code batch}
 * sequences, i.e. 64 new tokens each. tokens/s = ops/s x batch x 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeStepBenchmark {
    @Param({"1", "8", "32"})
    int batch;

    @Param({"java-coder-tiny"})
    String model;

    @Param({"2"})
    int threads;

    DecoderBackend backend;
    BatchSession session;

    @Setup(Level.Trial)
    public void load() {
        EngineConfig config = new EngineConfig(Map.of(EngineConfig.MODELS, model, EngineConfig.DEFAULT_MODEL, model,
                EngineConfig.INTRA_OP_THREADS, threads));
        backend = new OrtBackendProvider().load(config.model(model), config);
        session = backend.openSession();
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
        backend.close();
    }

    @Benchmark
    public void generate64(Blackhole bh) throws Exception {
        List<TokenRow> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            String prompt = Workload.CORPUS.substring(i * 7 % 200, i * 7 % 200 + 20 + i % 30);
            rows.add(new TokenRow(i, new ByteLevelCodec(256, 256).encode(prompt, null, 255)));
        }
        for (int step = 0; step < 64; step++) {
            float[][] logits = session.step(rows, new StepControl());
            for (int r = 0; r < rows.size(); r++) {
                rows.get(r).append(argmax(logits[r]));
            }
        }
        bh.consume(rows);
        session.reset();
    }

    static int argmax(float[] l) {
        int b = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[b]) {
                b = i;
            }
        }
        return b;
    }
}
