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
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KV-cache batch on ONNX Runtime, per the model's ONNX contract (inputs {@code input_ids}, {@code position_ids},
 * {@code attention_mask}, {@code past_key_values}; outputs {@code logits}, {@code present_key_values}).
 *
 * <p>Copy discipline, the point of this class. The KV tensor lives in two Java direct buffers used in turn:
 * a step reads {@code past_key_values} from one and ONNX Runtime writes {@code present_key_values} straight into
 * the other (a pinned output), which is the next step's past. So while the batch is unchanged no KV byte is
 * copied in Java. Rows are slots:
 * <ul>
 *   <li>a sequence that leaves frees its slot (a dead row: dummy token, fully masked);</li>
 *   <li>sequences that join are prefilled in their own run, then each is copied into a free slot (only its own
 *   rows of KV, right-aligned; the slot's older columns are hidden by the mask);</li>
 *   <li>the whole tensor is rebuilt (live rows and joiners copied into the other buffer, the sequence axis
 *   trimmed to the longest row) only when there are not enough free slots, when a joiner is longer than the
 *   sequence axis, when half the rows are dead, or when the axis outgrew the longest live row.</li>
 * </ul>
 */
final class OrtBatchSession implements BatchSession {
    private static final long DEAD = -1;
    /** Rebuilds keep the sequence axis at least this long (or the context), so most joiners fit a free slot. */
    private static final int MIN_AXIS = 96;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final KvLayout kv;
    private final int vocab;
    private final int context;

    private final FloatBuffer[] bufs = new FloatBuffer[2];
    private FloatBuffer scratch;            // prefill output of joiners, reused
    private int cur;                        // bufs[cur] holds the past [L,2,B,H,T,hd]
    private long[] rowIds = new long[0];
    private int[] rowLen = new int[0];      // tokens held per row
    private int batch;                      // B
    private int pastLen;                    // T
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
        boolean[] keep = new boolean[batch];
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
            for (int r = 0; r < batch; r++) {
                if (!keep[r] && rowIds[r] != DEAD) {
                    rowOf.remove(rowIds[r]);
                    rowIds[r] = DEAD;
                    dead++;
                }
            }
            decode(rows, cached, out, control);
            Prefill p = fresh.isEmpty() ? null : prefill(rows, fresh, out, control);
            if (p != null && !place(p, rows, fresh)) {
                rebuild(p, rows, fresh);
            } else if (dead > 0 && dead * 2 >= batch || pastLen - axisFor(maxLive()) > Math.max(32, maxLive() / 2)) {
                rebuild(null, rows, fresh);
            }
            return out;
        } catch (OrtException e) {
            clear();
            throw translate(e, control);
        } catch (OutOfMemoryError e) {
            clear();
            throw new BackendException("out of memory for the KV cache: " + e.getMessage(), e, true);
        } finally {
            control.clear();
        }
    }

    private BackendException translate(OrtException e, StepControl control) {
        if (control.isCancelled()) {
            return new StepTerminatedException("step terminated: " + e.getMessage(), e);
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        boolean oom = m.contains("out of memory") || m.contains("bad_alloc") || m.contains("failed to allocate");
        return new BackendException("ONNX Runtime step failed: " + e.getMessage(), e, oom);
    }

    /** Sequence axis for rows up to {@code longest} tokens: at least MIN_AXIS (padding is masked). */
    private int axisFor(int longest) {
        return Math.max(longest, Math.min(MIN_AXIS, context));
    }

    private int maxLive() {
        int m = 0;
        for (int r = 0; r < batch; r++) {
            if (rowIds[r] != DEAD) {
                m = Math.max(m, rowLen[r]);
            }
        }
        return m;
    }

    /** One decode step over every row; dead rows get token 0, fully masked. Output goes to the other buffer. */
    private void decode(List<? extends SequenceView> rows, List<Integer> cached, float[][] out, StepControl control)
            throws OrtException {
        int b = batch;
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
        int next = 1 - cur;
        ensure(next, kv.floats(b, t));
        float[] logits = run(ids, pos, new long[]{b, 1}, mask, new long[]{b, t}, view(cur, b, pastLen),
                view(next, b, t), b, control);
        for (int r = 0; r < b; r++) {
            if (rowToInput[r] >= 0) {
                out[rowToInput[r]] = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                rowLen[r]++;
            }
        }
        cur = next;
        pastLen = t;
    }

    private record Prefill(FloatBuffer present, int rows, int seq) {
    }

    /** Prefills new rows in their own run (left-padded, empty past) into {@code target} (a buffer index). */
    private Prefill prefill(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out,
                            StepControl control, int target) throws OrtException {
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
        FloatBuffer present;
        if (target >= 0) {
            ensure(target, kv.floats(f, s));
            present = view(target, f, s);
        } else {
            int n = (int) kv.floats(f, s);
            if (scratch == null || scratch.capacity() < n) {
                scratch = KvLayout.allocate(n);
            }
            present = scratch.duplicate().clear().limit(n).slice();
        }
        float[] logits = run(ids, pos, new long[]{f, s}, mask, new long[]{f, s}, FloatBuffer.allocate(0), present, f,
                control);
        for (int j = 0; j < f; j++) {
            out[fresh.get(j)] = Arrays.copyOfRange(logits, j * vocab, (j + 1) * vocab);
        }
        return new Prefill(present, f, s);
    }

    private Prefill prefill(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out, StepControl control)
            throws OrtException {
        return prefill(rows, fresh, out, control, -1);
    }

    /** A batch of only new rows: the prefill output is written straight into the past buffer. */
    private void prefillAsPast(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out,
                               StepControl control) throws OrtException {
        Prefill p = prefill(rows, fresh, out, control, cur);
        batch = fresh.size();
        rowIds = new long[batch];
        rowLen = new int[batch];
        for (int j = 0; j < batch; j++) {
            SequenceView s = rows.get(fresh.get(j));
            rowIds[j] = s.id();
            rowLen[j] = s.length();
            rowOf.put(s.id(), j);
        }
        pastLen = p.seq;
        dead = 0;
    }

    /** Copies prefilled rows into free slots of the current past. False when they do not fit. */
    private boolean place(Prefill p, List<? extends SequenceView> rows, List<Integer> fresh) {
        if (p.seq > pastLen || dead < fresh.size()) {
            return false;
        }
        FloatBuffer dst = view(cur, batch, pastLen);
        int r = 0;
        for (int j = 0; j < fresh.size(); j++) {
            while (rowIds[r] != DEAD) {
                r++;
            }
            SequenceView s = rows.get(fresh.get(j));
            kv.copyRow(p.present, p.rows, p.seq, j, dst, batch, pastLen, r, s.length());
            rowIds[r] = s.id();
            rowLen[r] = s.length();
            rowOf.put(s.id(), r);
            dead--;
        }
        return true;
    }

    /** Rebuilds the past in the other buffer from the live rows plus the prefilled rows (if any). */
    private void rebuild(Prefill p, List<? extends SequenceView> rows, List<Integer> fresh) {
        int live = batch - dead;
        int nb = live + (p == null ? 0 : fresh.size());
        int nt = axisFor(Math.max(maxLive(), p == null ? 0 : p.seq));
        int next = 1 - cur;
        ensure(next, kv.floats(nb, nt + 1));
        FloatBuffer src = view(cur, batch, pastLen);
        FloatBuffer dst = view(next, nb, nt);
        long[] newIds = new long[nb];
        int[] newLen = new int[nb];
        int row = 0;
        for (int r = 0; r < batch; r++) {
            if (rowIds[r] != DEAD) {
                kv.copyRow(src, batch, pastLen, r, dst, nb, nt, row, rowLen[r]);
                newIds[row] = rowIds[r];
                newLen[row++] = rowLen[r];
            }
        }
        if (p != null) {
            for (int j = 0; j < fresh.size(); j++) {
                SequenceView s = rows.get(fresh.get(j));
                kv.copyRow(p.present, p.rows, p.seq, j, dst, nb, nt, row, s.length());
                newIds[row] = s.id();
                newLen[row++] = s.length();
            }
        }
        cur = next;
        batch = nb;
        rowIds = newIds;
        rowLen = newLen;
        rowOf.clear();
        for (int r = 0; r < nb; r++) {
            rowOf.put(newIds[r], r);
        }
        pastLen = nt;
        dead = 0;
    }

    /** Runs the graph; {@code present} (a direct buffer) receives present_key_values. Returns the logits. */
    private float[] run(long[] ids, long[] pos, long[] idShape, long[] mask, long[] maskShape, FloatBuffer past,
                        FloatBuffer present, int b, StepControl control) throws OrtException {
        int pastSeq = (int) (past.remaining() / Math.max(1, kv.floats(b, 1)));
        OnnxTensor tIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), idShape);
        OnnxTensor tPos = OnnxTensor.createTensor(env, LongBuffer.wrap(pos), idShape);
        OnnxTensor tMask = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), maskShape);
        OnnxTensor tPast = OnnxTensor.createTensor(env, past, kv.shape(b, pastSeq));
        OnnxTensor tPresent = OnnxTensor.createTensor(env, present, kv.shape(b, pastSeq + (int) idShape[1]));
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            control.onCancel(() -> {
                try {
                    options.setTerminate(true);
                } catch (OrtException ignored) {
                    // the run is ending anyway
                }
            });
            Map<String, OnnxTensor> in = Map.of("input_ids", tIds, "position_ids", tPos, "attention_mask", tMask,
                    "past_key_values", tPast);
            try (OrtSession.Result result = session.run(in, Set.of("logits"),
                    Map.of("present_key_values", tPresent), options)) {
                return ((OnnxTensor) result.get("logits").get()).getFloatBuffer().array();
            }
        } finally {
            control.clear();
            tIds.close();
            tPos.close();
            tMask.close();
            tPast.close();
            tPresent.close();
        }
    }

    private void ensure(int i, long floats) {
        if (bufs[i] == null || bufs[i].capacity() < floats) {
            bufs[i] = null;
            bufs[i] = KvLayout.allocate(floats);
        }
    }

    private FloatBuffer view(int i, int b, int t) {
        int n = (int) kv.floats(b, t);
        if (n == 0) {
            return FloatBuffer.allocate(0);
        }
        return bufs[i].duplicate().clear().limit(n).slice();
    }

    private void clear() {
        rowIds = new long[0];
        rowLen = new int[0];
        rowOf.clear();
        batch = 0;
        pastLen = 0;
        dead = 0;
    }

    @Override
    public void reset() {
        clear();
    }

    @Override
    public long kvBytes() {
        return kv.floats(batch, pastLen) * 4;
    }

    @Override
    public void close() {
        clear();
        bufs[0] = null;
        bufs[1] = null;
        scratch = null;
    }
}
