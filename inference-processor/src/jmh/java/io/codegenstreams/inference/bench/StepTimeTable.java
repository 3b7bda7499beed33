package io.codegenstreams.inference.bench;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.internals.ort.OrtBackendProvider;
import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.StepControl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decode-step time of one model exported in both graph layouts (made by {@code training/hf_fixtures.py bench DIR}):
 * the project's contract (new columns only) against Optimum's ({@code present = concat(past, new)}), at batch 1 / 8
 * / 32 and context 64 / 256 / 1024. Rows are prefilled to the context, then the median of {@code STEPS} decode
 * steps is printed; layouts alternate per cell so machine noise hits both alike.
 *
 * <p>usage: {@code StepTimeTable DIR [threads]}
 */
public final class StepTimeTable {
    private static final int STEPS = 15;
    private static final int WARM = 3;

    private StepTimeTable() {
    }

    public static void main(String[] args) throws Exception {
        String dir = args.length > 0 ? args[0] : "/tmp/codegen-layout-bench";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        EngineConfig config = new EngineConfig(Map.of(EngineConfig.MODELS, "native,optimum",
                EngineConfig.DEFAULT_MODEL, "native", EngineConfig.INTRA_OP_THREADS, threads,
                "model.native.location", dir + "/native", "model.optimum.location", dir + "/optimum"));
        OrtBackendProvider provider = new OrtBackendProvider();
        try (DecoderBackend nativeLayout = provider.load(config.model("native"), config);
             DecoderBackend optimum = provider.load(config.model("optimum"), config)) {
            System.out.printf("%-6s %-8s %12s %12s %8s%n", "batch", "context", "native ms", "optimum ms", "ratio");
            for (int batch : new int[]{1, 8, 32}) {
                for (int context : new int[]{64, 256, 1024}) {
                    double n = medianStepMillis(nativeLayout, batch, context);
                    double o = medianStepMillis(optimum, batch, context);
                    System.out.printf("%-6d %-8d %12.2f %12.2f %8.2f%n", batch, context, n, o, o / n);
                }
            }
        }
    }

    private static double medianStepMillis(DecoderBackend backend, int batch, int context) throws Exception {
        try (BatchSession session = backend.openSession()) {
            List<TokenRow> rows = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                int[] prompt = new int[context];
                for (int k = 0; k < context; k++) {
                    prompt[k] = 1 + (k * 31 + i * 7) % 1000;
                }
                rows.add(new TokenRow(i, prompt, context + WARM + STEPS + 2));
            }
            session.step(rows, new StepControl()); // prefill
            double[] ms = new double[STEPS];
            for (int step = 0; step < WARM + STEPS; step++) {
                rows.forEach(r -> r.append(1 + r.length() % 1000));
                long t0 = System.nanoTime();
                session.step(rows, new StepControl());
                if (step >= WARM) {
                    ms[step - WARM] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            return ms[STEPS / 2];
        }
    }
}
