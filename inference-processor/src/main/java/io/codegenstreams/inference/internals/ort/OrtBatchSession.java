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
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KV-cache batch on ONNX Runtime, per the model's ONNX contract (inputs {@code input_ids}, {@code position_ids},
 * {@code attention_mask}, {@code past_key_values}; outputs {@code logits}, {@code present_key_values}).
 *
 * <p><b>Banks.</b> The rows of the batch live in a few <i>banks</i>, each a KV tensor of its own
 * ({@code [L, 2, rows, H, axis, D]}, rows right-aligned, left padding masked) decoded by its own run. The rows
 * that join at one step (prefilled together in one run) become a new bank: the prefill writes its
 * {@code present_key_values} straight into the bank's buffer, so a joiner's KV is never copied. The point: on a
 * CPU the cost of a decode run grows with rows x axis (attention over the padded axis and the past/present copy
 * inside the graph), and a bank's rows started together, so its axis is close to every row's own length, where a
 * single tensor would pad every row to the longest one in the whole batch. At most {@link #MAX_BANKS} banks stay
 * after a step: beyond that, or when their merge pads fewer columns than a run costs, the two whose merge pads the
 * fewest columns are merged into one tensor.
 *
 * <p>Copy discipline. A bank has two direct buffers used in turn: a step reads {@code past_key_values} from one
 * and ONNX Runtime writes {@code present_key_values} straight into the other (a pinned output), which is the next
 * step's past; so while a bank is unchanged no KV byte is copied in Java. Rows that leave die in place (masked)
 * and their bank is compacted (live rows copied into the other buffer, the axis trimmed to the longest live row)
 * once the columns wasted per step outweigh a quarter of the copy; a bank whose rows all left is dropped. Freed
 * buffers are pooled for later banks.
 */
final class OrtBatchSession implements BatchSession {
    private static final long DEAD = -1;
    /** Banks kept after a step (runs per decode step). */
    static final int MAX_BANKS = Integer.getInteger("codegen.ort.maxBanks", 4);
    /** Pooled spare buffers. */
    private static final int POOL = 2 * MAX_BANKS + 2;
    /** Per-row cost of a decode run that does not depend on the axis, in axis columns (measured on CPU). */
    private static final int ROW_COST_COLUMNS = 48;
    /** Fixed cost of one run (tensors, dispatch), in axis columns: merging banks that pad fewer saves time. */
    private static final int RUN_COST_COLUMNS = 128;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final KvLayout kv;
    private final int vocab;
    private final int context;

    private final List<Bank> banks = new ArrayList<>();
    private final Map<Long, Bank> bankOf = new HashMap<>();
    private final List<FloatBuffer> pool = new ArrayList<>();

    /** A sub-batch with its own KV tensor, in two buffers used in turn. */
    private final class Bank {
        final FloatBuffer[] bufs = new FloatBuffer[2];
        int cur;                         // bufs[cur] holds the past [L,2,B,H,T,hd]
        long[] rowIds;
        int[] rowLen;                    // tokens held per row
        int batch;                       // B
        int pastLen;                     // T
        int dead;
        final Map<Long, Integer> rowOf = new HashMap<>();

        Bank(long[] ids, int[] len, int pastLen) {
            this.rowIds = ids;
            this.rowLen = len;
            this.batch = ids.length;
            this.pastLen = pastLen;
            for (int r = 0; r < batch; r++) {
                rowOf.put(ids[r], r);
                bankOf.put(ids[r], this);
            }
        }

        int live() {
            return batch - dead;
        }

        int maxLive() {
            int m = 0;
            for (int r = 0; r < batch; r++) {
                if (rowIds[r] != DEAD) {
                    m = Math.max(m, rowLen[r]);
                }
            }
            return m;
        }

        long liveColumns() {
            long n = 0;
            for (int r = 0; r < batch; r++) {
                if (rowIds[r] != DEAD) {
                    n += rowLen[r];
                }
            }
            return n;
        }

        void kill(int r) {
            rowOf.remove(rowIds[r]);
            bankOf.remove(rowIds[r]);
            rowIds[r] = DEAD;
            dead++;
        }

        FloatBuffer view(int i, int b, int t) {
            return slice(bufs[i], kv.floats(b, t));
        }

        void ensure(int i, long floats) {
            if (bufs[i] == null || bufs[i].capacity() < floats) {
                release(bufs[i]);
                bufs[i] = acquire(floats);
            }
        }

        void free() {
            release(bufs[0]);
            release(bufs[1]);
            bufs[0] = null;
            bufs[1] = null;
        }
    }

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
        Map<Bank, List<Integer>> cached = new IdentityHashMap<>();
        Map<Bank, boolean[]> keep = new IdentityHashMap<>();
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SequenceView s = rows.get(i);
            Bank b = bankOf.get(s.id());
            Integer r = b == null ? null : b.rowOf.get(s.id());
            if (r != null && b.rowLen[r] == s.length() - 1) {
                cached.computeIfAbsent(b, k -> new ArrayList<>()).add(i);
                keep.computeIfAbsent(b, k -> new boolean[k.batch])[r] = true;
            } else {
                fresh.add(i);
            }
        }
        try {
            // rows not in this step (finished, preempted, failed, or out of step) die
            for (Iterator<Bank> it = banks.iterator(); it.hasNext(); ) {
                Bank b = it.next();
                boolean[] k = keep.get(b);
                for (int r = 0; r < b.batch; r++) {
                    if (b.rowIds[r] != DEAD && (k == null || !k[r])) {
                        b.kill(r);
                    }
                }
                if (b.live() == 0) {
                    b.free();
                    it.remove();
                } else if (worthCompacting(b)) {
                    compact(b);
                }
            }
            for (Bank b : banks) {
                decode(b, rows, cached.get(b), out, control);
            }
            if (!fresh.isEmpty()) {
                banks.add(prefill(rows, fresh, out, control));
            }
            while (banks.size() > 1 && (banks.size() > MAX_BANKS || cheapestMerge()[2] <= RUN_COST_COLUMNS)) {
                mergeCheapest();
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

    /**
     * Compacting copies every live column once; it saves, at every later step, the dead rows (their fixed cost
     * and their axis) and the axis beyond the longest live row. Worth it when four steps of savings pay the copy.
     */
    private boolean worthCompacting(Bank b) {
        if (b.dead == 0 && b.pastLen - b.maxLive() < 16) {
            return false;
        }
        long wasted = (long) b.dead * (ROW_COST_COLUMNS + b.pastLen) + (long) b.live() * (b.pastLen - b.maxLive());
        return 4 * wasted >= b.liveColumns();
    }

    /** One decode step over every row of a bank (all live: compaction ran first). Output to the other buffer. */
    private void decode(Bank bank, List<? extends SequenceView> rows, List<Integer> cached, float[][] out,
                        StepControl control) throws OrtException {
        int b = bank.batch;
        int t = bank.pastLen + 1;
        long[] ids = new long[b];
        long[] pos = new long[b];
        long[] mask = new long[b * t];
        int[] rowToInput = new int[b];
        Arrays.fill(rowToInput, -1);
        for (int i : cached) {
            SequenceView s = rows.get(i);
            int r = bank.rowOf.get(s.id());
            ids[r] = s.tokens()[s.length() - 1];
            pos[r] = Math.min(s.length() - 1, context - 1);
            rowToInput[r] = i;
            Arrays.fill(mask, r * t + (t - bank.rowLen[r] - 1), (r + 1) * t, 1L);
        }
        for (int r = 0; r < b; r++) {
            if (bank.rowIds[r] == DEAD) {
                mask[(r + 1) * t - 1] = 1L;
            }
        }
        int next = 1 - bank.cur;
        bank.ensure(next, kv.floats(b, t));
        float[] logits = run(ids, pos, new long[]{b, 1}, mask, new long[]{b, t},
                bank.view(bank.cur, b, bank.pastLen), bank.view(next, b, t), b, control);
        for (int r = 0; r < b; r++) {
            if (rowToInput[r] >= 0) {
                out[rowToInput[r]] = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                bank.rowLen[r]++;
            }
        }
        bank.cur = next;
        bank.pastLen = t;
    }

    /** Prefills the joining rows in one run (left-padded, empty past) straight into a new bank's buffer. */
    private Bank prefill(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out, StepControl control)
            throws OrtException {
        int f = fresh.size();
        int s = 0;
        for (int i : fresh) {
            s = Math.max(s, rows.get(i).length());
        }
        long[] ids = new long[f * s];
        long[] pos = new long[f * s];
        long[] mask = new long[f * s];
        long[] rowIds = new long[f];
        int[] rowLen = new int[f];
        for (int j = 0; j < f; j++) {
            SequenceView seq = rows.get(fresh.get(j));
            int pad = s - seq.length();
            int[] tok = seq.tokens();
            for (int k = 0; k < seq.length(); k++) {
                ids[j * s + pad + k] = tok[k];
                pos[j * s + pad + k] = k;
                mask[j * s + pad + k] = 1L;
            }
            rowIds[j] = seq.id();
            rowLen[j] = seq.length();
        }
        FloatBuffer buf = acquire(kv.floats(f, s));
        float[] logits;
        try {
            logits = run(ids, pos, new long[]{f, s}, mask, new long[]{f, s}, FloatBuffer.allocate(0),
                    slice(buf, kv.floats(f, s)), f, control);
        } catch (OrtException | RuntimeException | Error e) {
            release(buf);
            throw e;
        }
        for (int j = 0; j < f; j++) {
            out[fresh.get(j)] = Arrays.copyOfRange(logits, j * vocab, (j + 1) * vocab);
        }
        Bank bank = new Bank(rowIds, rowLen, s);
        bank.bufs[0] = buf;
        return bank;
    }

    /** Copies the live rows of a bank into its other buffer, the axis trimmed to the longest live row. */
    private void compact(Bank b) {
        int nb = b.live();
        int nt = b.maxLive();
        int next = 1 - b.cur;
        b.ensure(next, kv.floats(nb, nt + 1));
        FloatBuffer src = b.view(b.cur, b.batch, b.pastLen);
        FloatBuffer dst = b.view(next, nb, nt);
        long[] ids = new long[nb];
        int[] len = new int[nb];
        int row = 0;
        b.rowOf.clear();
        for (int r = 0; r < b.batch; r++) {
            if (b.rowIds[r] != DEAD) {
                kv.copyRow(src, b.batch, b.pastLen, r, dst, nb, nt, row, b.rowLen[r]);
                ids[row] = b.rowIds[r];
                len[row] = b.rowLen[r];
                b.rowOf.put(ids[row], row++);
            }
        }
        b.cur = next;
        b.rowIds = ids;
        b.rowLen = len;
        b.batch = nb;
        b.pastLen = nt;
        b.dead = 0;
    }

    /**
     * The pair of banks whose merge pads the fewest columns (the shorter bank's live rows up to the longer axis):
     * {@code {i, j, padded columns}}.
     */
    private long[] cheapestMerge() {
        int bi = -1;
        int bj = -1;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < banks.size(); i++) {
            for (int j = i + 1; j < banks.size(); j++) {
                Bank a = banks.get(i);
                Bank c = banks.get(j);
                int ta = a.maxLive();
                int tc = c.maxLive();
                int t = Math.max(ta, tc);
                long waste = (long) a.live() * (t - ta) + (long) c.live() * (t - tc);
                if (waste < best) {
                    best = waste;
                    bi = i;
                    bj = j;
                }
            }
        }
        return new long[]{bi, bj, best};
    }

    /** Merges the cheapest pair; the merged tensor holds only live rows, its axis is the longest live row. */
    private void mergeCheapest() {
        long[] pick = cheapestMerge();
        Bank a = banks.get((int) pick[0]);
        Bank c = banks.get((int) pick[1]);
        int nb = a.live() + c.live();
        int nt = Math.max(a.maxLive(), c.maxLive());
        FloatBuffer buf = acquire(kv.floats(nb, nt + 1));
        FloatBuffer dst = slice(buf, kv.floats(nb, nt));
        long[] ids = new long[nb];
        int[] len = new int[nb];
        int row = 0;
        for (Bank x : List.of(a, c)) {
            FloatBuffer src = x.view(x.cur, x.batch, x.pastLen);
            for (int r = 0; r < x.batch; r++) {
                if (x.rowIds[r] != DEAD) {
                    kv.copyRow(src, x.batch, x.pastLen, r, dst, nb, nt, row, x.rowLen[r]);
                    ids[row] = x.rowIds[r];
                    len[row++] = x.rowLen[r];
                }
            }
            x.free();
        }
        banks.remove(c);
        banks.remove(a);
        Bank m = new Bank(ids, len, nt);
        m.bufs[0] = buf;
        banks.add(m);
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

    private FloatBuffer acquire(long floats) {
        FloatBuffer best = null;
        for (FloatBuffer b : pool) {
            if (b.capacity() >= floats && (best == null || b.capacity() < best.capacity())) {
                best = b;
            }
        }
        if (best != null) {
            pool.remove(best);
            return best;
        }
        return KvLayout.allocate(floats);
    }

    private void release(FloatBuffer b) {
        if (b == null) {
            return;
        }
        pool.add(b);
        if (pool.size() > POOL) {
            FloatBuffer smallest = pool.get(0);
            for (FloatBuffer x : pool) {
                if (x.capacity() < smallest.capacity()) {
                    smallest = x;
                }
            }
            pool.remove(smallest);
        }
    }

    private static FloatBuffer slice(FloatBuffer buf, long floats) {
        if (floats == 0) {
            return FloatBuffer.allocate(0);
        }
        return buf.duplicate().clear().limit((int) floats).slice();
    }

    private void clear() {
        banks.forEach(Bank::free);
        banks.clear();
        bankOf.clear();
    }

    @Override
    public void reset() {
        clear();
    }

    @Override
    public long kvBytes() {
        long n = 0;
        for (Bank b : banks) {
            n += kv.floats(b.batch, b.pastLen) * 4;
        }
        return n;
    }

    @Override
    public void close() {
        clear();
        pool.clear();
    }
}
