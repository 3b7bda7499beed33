package io.codegenstreams.inference.internals.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.codegenstreams.inference.spi.BackendException;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.SequenceView;
import io.codegenstreams.inference.spi.StepControl;
import io.codegenstreams.inference.spi.StepTerminatedException;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * KV-cache batch on ONNX Runtime, per the model's ONNX contract (inputs {@code input_ids}, {@code position_ids},
 * {@code attention_mask}, {@code past_key_values}; outputs {@code logits}, {@code present_key_values}).
 *
 * <p>Copy discipline, the point of this class:
 * <ul>
 *   <li>While the batch composition is unchanged, {@code present_key_values} of a step is fed back as the next
 *   step's {@code past_key_values} as it is: the native tensor never crosses into Java.</li>
 *   <li>A sequence that leaves becomes a dead row (fed a dummy token, fully masked) until the dead rows reach a
 *   quarter of the batch, or until a rebuild happens anyway; then the live rows are compacted.</li>
 *   <li>Sequences that join are prefilled in their own run (left-padded, empty past), and only then is the
 *   combined tensor rebuilt once: live rows of the decode output plus the new rows, right-aligned, with the
 *   sequence axis trimmed to the longest row.</li>
 *   <li>A batch of only new sequences takes the prefill output as its past without any copy.</li>
 * </ul>
 */
final class OrtBatchSession implements BatchSession {
    private static final long DEAD = -1;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final KvLayout kv;
    private final int vocab;
    private final int context;

    private OrtSession.Result pastOwner;   // owns `past` when it is a run's output
    private OnnxTensor past;               // [L,2,B,H,T,hd], or null when empty
    private FloatBuffer pastRoot;          // direct buffer behind `past` when we built it
    private FloatBuffer spareRoot;         // a previous buffer, reused by the next rebuild
    private long[] rowIds = new long[0];
    private int[] rowLen = new int[0];     // tokens held per row
    private int pastLen;                   // T
    private int dead;
    private final Map<Long, Integer> rowOf = new HashMap<>();

    OrtBatchSession(OrtEnvironment env, OrtSession session, KvLayout kv, int vocab, int context) {
        this.env = env;
        this.session = session;
        this.kv = kv;
        this.vocab = vocab;
        this.context = context;
    }

    @Override
    public float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException {
        float[][] out = new float[rows.size()][];
        List<Integer> cached = new ArrayList<>();
        List<Integer> fresh = new ArrayList<>();
        boolean[] keep = new boolean[rowIds.length];
        for (int i = 0; i < rows.size(); i++) {
            SequenceView s = rows.get(i);
            Integer r = rowOf.get(s.id());
            if (r != null && rowLen[r] == s.length() - 1) {
                cached.add(i);
                keep[r] = true;
            } else {
                fresh.add(i);
            }
        }
        try {
            if (cached.isEmpty()) {
                clear();
                if (!fresh.isEmpty()) {
                    prefillAsPast(rows, fresh, out, control);
                }
                return out;
            }
            for (int r = 0; r < rowIds.length; r++) {
                if (!keep[r] && rowIds[r] != DEAD) {
                    rowOf.remove(rowIds[r]);
                    rowIds[r] = DEAD;
                    dead++;
                }
            }
            decode(rows, cached, out, control);
            if (!fresh.isEmpty()) {
                Prefill p = prefill(rows, fresh, out, control);
                try {
                    rebuild(p, rows, fresh);
                } finally {
                    p.result.close();
                }
            } else if (dead > 0 && dead * 4 >= rowIds.length) {
                rebuild(null, rows, fresh);
            }
            return out;
        } catch (OrtException e) {
            throw translate(e, control);
        } catch (OutOfMemoryError e) {
            throw new BackendException("out of memory building the KV cache: " + e.getMessage(), e, true);
        } finally {
            control.clear();
        }
    }

    private BackendException translate(OrtException e, StepControl control) {
        if (control.isCancelled()) {
            return new StepTerminatedException("step terminated: " + e.getMessage(), e);
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        boolean oom = m.contains("out of memory") || m.contains("bad_alloc") || m.contains("failed to allocate");
        return new BackendException("ONNX Runtime step failed: " + e.getMessage(), e, oom);
    }

    /** One decode step over every row of the current tensor; dead rows get token 0, fully masked. */
    private void decode(List<? extends SequenceView> rows, List<Integer> cached, float[][] out, StepControl control)
            throws OrtException {
        int b = rowIds.length;
        int t = pastLen + 1;
        long[] ids = new long[b];
        long[] pos = new long[b];
        long[] mask = new long[b * t];
        int[] rowToInput = new int[b];
        Arrays.fill(rowToInput, -1);
        for (int i : cached) {
            SequenceView s = rows.get(i);
            int r = rowOf.get(s.id());
            ids[r] = s.tokens()[s.length() - 1];
            pos[r] = Math.min(s.length() - 1, context - 1);
            rowToInput[r] = i;
            Arrays.fill(mask, r * t + (t - rowLen[r] - 1), (r + 1) * t, 1L);
        }
        for (int r = 0; r < b; r++) {
            if (rowIds[r] == DEAD) {
                mask[(r + 1) * t - 1] = 1L;
            }
        }
        OrtSession.Result result = run(ids, pos, new long[]{b, 1}, mask, new long[]{b, t}, past, control);
        float[] logits = ((OnnxTensor) result.get("logits").get()).getFloatBuffer().array();
        for (int r = 0; r < b; r++) {
            if (rowToInput[r] >= 0) {
                out[rowToInput[r]] = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                rowLen[r]++;
            }
        }
        replacePast(result, (OnnxTensor) result.get("present_key_values").get(), null);
        pastLen = t;
    }

    private record Prefill(OrtSession.Result result, OnnxTensor present, int seq) {
    }

    /** Prefills new rows in their own run (left-padded, empty past). */
    private Prefill prefill(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out, StepControl control)
            throws OrtException {
        int f = fresh.size();
        int s = 0;
        for (int i : fresh) {
            s = Math.max(s, rows.get(i).length());
        }
        long[] ids = new long[f * s];
        long[] pos = new long[f * s];
        long[] mask = new long[f * s];
        for (int j = 0; j < f; j++) {
            SequenceView seq = rows.get(fresh.get(j));
            int pad = s - seq.length();
            int[] tok = seq.tokens();
            for (int k = 0; k < seq.length(); k++) {
                ids[j * s + pad + k] = tok[k];
                pos[j * s + pad + k] = k;
                mask[j * s + pad + k] = 1L;
            }
        }
        try (OnnxTensor emptyPast = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), kv.shape(f, 0))) {
            OrtSession.Result result = run(ids, pos, new long[]{f, s}, mask, new long[]{f, s}, emptyPast, control);
            float[] logits = ((OnnxTensor) result.get("logits").get()).getFloatBuffer().array();
            for (int j = 0; j < f; j++) {
                out[fresh.get(j)] = Arrays.copyOfRange(logits, j * vocab, (j + 1) * vocab);
            }
            return new Prefill(result, (OnnxTensor) result.get("present_key_values").get(), s);
        }
    }

    /** A batch of only new rows: the prefill output becomes the past as it is. */
    private void prefillAsPast(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out,
                               StepControl control) throws OrtException {
        Prefill p = prefill(rows, fresh, out, control);
        replacePast(p.result, p.present, null);
        rowIds = new long[fresh.size()];
        rowLen = new int[fresh.size()];
        for (int j = 0; j < fresh.size(); j++) {
            SequenceView s = rows.get(fresh.get(j));
            rowIds[j] = s.id();
            rowLen[j] = s.length();
            rowOf.put(s.id(), j);
        }
        pastLen = p.seq;
        dead = 0;
    }

    /** Builds a new past tensor from the live rows of the current one plus the prefilled rows (if any). */
    private void rebuild(Prefill p, List<? extends SequenceView> rows, List<Integer> fresh) throws OrtException {
        int live = rowIds.length - dead;
        int nb = live + (p == null ? 0 : fresh.size());
        int nt = 0;
        for (int r = 0; r < rowIds.length; r++) {
            if (rowIds[r] != DEAD) {
                nt = Math.max(nt, rowLen[r]);
            }
        }
        if (p != null) {
            nt = Math.max(nt, p.seq);
        }
        long floats = kv.floats(nb, nt);
        FloatBuffer root = spareRoot != null && spareRoot.capacity() >= floats ? spareRoot : KvLayout.allocate(floats);
        spareRoot = null;
        FloatBuffer dst = root.clear().limit((int) floats).slice();
        long[] newIds = new long[nb];
        int[] newLen = new int[nb];
        int b = rowIds.length;
        int row = 0;
        FloatBuffer src = past.getFloatBuffer();
        for (int r = 0; r < b; r++) {
            if (rowIds[r] != DEAD) {
                kv.copyRow(src, b, pastLen, r, dst, nb, nt, row, rowLen[r]);
                newIds[row] = rowIds[r];
                newLen[row++] = rowLen[r];
            }
        }
        if (p != null) {
            FloatBuffer psrc = p.present.getFloatBuffer();
            for (int j = 0; j < fresh.size(); j++) {
                SequenceView s = rows.get(fresh.get(j));
                kv.copyRow(psrc, fresh.size(), p.seq, j, dst, nb, nt, row, s.length());
                newIds[row] = s.id();
                newLen[row++] = s.length();
            }
        }
        OnnxTensor tensor = OnnxTensor.createTensor(env, dst, kv.shape(nb, nt));
        replacePast(null, tensor, root);
        rowIds = newIds;
        rowLen = newLen;
        rowOf.clear();
        for (int r = 0; r < nb; r++) {
            rowOf.put(newIds[r], r);
        }
        pastLen = nt;
        dead = 0;
    }

    private OrtSession.Result run(long[] ids, long[] pos, long[] idShape, long[] mask, long[] maskShape,
                                  OnnxTensor pastTensor, StepControl control) throws OrtException {
        OnnxTensor tIds = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), idShape);
        OnnxTensor tPos = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(pos), idShape);
        OnnxTensor tMask = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(mask), maskShape);
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            control.onCancel(() -> {
                try {
                    options.setTerminate(true);
                } catch (OrtException ignored) {
                    // the run is ending anyway
                }
            });
            Map<String, OnnxTensor> in = Map.of("input_ids", tIds, "position_ids", tPos, "attention_mask", tMask,
                    "past_key_values", pastTensor);
            return session.run(in, options);
        } finally {
            control.clear();
            tIds.close();
            tPos.close();
            tMask.close();
        }
    }

    private void replacePast(OrtSession.Result owner, OnnxTensor tensor, FloatBuffer root) {
        if (pastOwner != null) {
            pastOwner.close();
        } else if (past != null) {
            past.close();
        }
        if (pastRoot != null) {
            spareRoot = pastRoot;
        }
        pastOwner = owner;
        past = tensor;
        pastRoot = root;
    }

    private void clear() {
        replacePast(null, null, null);
        rowIds = new long[0];
        rowLen = new int[0];
        rowOf.clear();
        pastLen = 0;
        dead = 0;
    }

    @Override
    public void reset() {
        clear();
    }

    @Override
    public long kvBytes() {
        return past == null ? 0 : kv.floats(rowIds.length, pastLen) * 4;
    }

    @Override
    public void close() {
        clear();
        spareRoot = null;
    }
}
