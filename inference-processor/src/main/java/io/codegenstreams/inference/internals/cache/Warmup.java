package io.codegenstreams.inference.internals.cache;

import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.spi.BackendException;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.StepControl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs real batches before a model reports ready: for each configured batch size, a prefill of prompts of
 * mixed lengths then {@code steps} decode steps (so both the prefill and the KV-reuse paths, and the rebuild
 * when a row leaves, have run once at that size).
 */
final class Warmup {
    private static final String TEXT = "public final class Warmup { private int count; public int next() { return ";

    /** The warm-up stopped because the engine is closing. */
    static final class Cancelled extends ModelLoadException {
        Cancelled(String model) {
            super("the engine closed while model " + model + " was loading");
        }
    }

    private Warmup() {
    }

    /**
     * @param cancelled checked before every step: the warm-up ends with {@link Cancelled} once it is true, so a
     *                  shutdown waits for one step, not the whole warm-up
     */
    static void run(DecoderBackend backend, List<Integer> batchSizes, int steps, BooleanSupplier cancelled) {
        int ctx = backend.info().contextLength();
        try (BatchSession session = backend.openSession()) {
            for (int size : batchSizes) {
                List<TokenRow> rows = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    int len = Math.min(ctx - steps - 1, 8 + (i * 7) % TEXT.length());
                    int[] t = new int[len];
                    t[0] = backend.info().bosTokenId();
                    for (int k = 1; k < len; k++) {
                        t[k] = TEXT.charAt(k % TEXT.length());
                    }
                    rows.add(new TokenRow(-(i + 1) - 100_000L * size, t));
                }
                for (int s = 0; s <= steps; s++) {
                    if (cancelled.getAsBoolean()) {
                        throw new Cancelled(backend.info().name());
                    }
                    float[][] logits = session.step(rows, new StepControl());
                    for (int i = 0; i < rows.size(); i++) {
                        rows.get(i).append(argmax(logits[i]));
                    }
                    if (s == 1 && rows.size() > 1) {
                        rows = new ArrayList<>(rows.subList(0, rows.size() - 1)); // a row leaves
                    }
                }
                session.reset();
            }
        } catch (BackendException e) {
            throw new ModelLoadException("Model " + backend.info().name() + " failed its warm-up: " + e.getMessage(), e);
        }
    }

    private static int argmax(float[] l) {
        int b = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[b]) {
                b = i;
            }
        }
        return b;
    }
}
