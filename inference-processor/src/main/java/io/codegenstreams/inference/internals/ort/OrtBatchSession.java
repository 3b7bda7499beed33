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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KV-cache batch on ONNX Runtime, for either graph layout ({@link GraphContract}: the project's own contract, or
 * Hugging Face Optimum's {@code past_key_values} / {@code present} export).
 *
 * <p><b>The cache is appended to, never rebuilt.</b> The session keeps its own buffers and appends each run's new
 * columns to them. With the native contract the graph returns only those columns, so a decode step's memory
 * traffic over the cache is one read (by the attention). An Optimum graph returns {@code present =
 * concat(past, new)}: ONNX Runtime writes it into one reused buffer (bound as the run's outputs), and only the new
 * columns are copied from there; that is one extra write of the cache per step, the least this layout allows.
 *
 * <p><b>Banks.</b> The rows live in a few {@link KvBank banks}, each decoded by its own run. Sequences that join
 * are prefilled together in one run, then each is copied into a free row of the bank it pads least (a row that
 * left, or spare room): only the joiner's own columns move. Joiners longer than every bank's end form a new bank.
 * A run has a fixed cost (about {@link #RUN_COST_COLUMNS} padded row-columns on this CPU), so two banks are merged
 * as soon as that pads fewer columns than a run costs, and at most {@link #MAX_BANKS} stay after a step.
 *
 * <p><b>Copies.</b> A bank grows by {@link #GROW} columns when its room is used up (one copy of the bank every
 * {@code GROW} steps); dead rows are compacted away when the columns they waste outweigh a quarter of the copy.
 * Freed buffers are pooled for later banks.
 *
 * <p><b>Parking.</b> A sequence that leaves for a while (paused under HIGH isolation, or preempted for a HIGH
 * request) is {@link #park parked}: its row is copied into a one-row bank that no run reads, and when it returns it
 * joins as that bank (merged like any other) instead of being prefilled again: on this CPU a re-prefill of a
 * 32-row batch of 200-token sequences costs hundreds of milliseconds, the copy well under one.
 */
final class OrtBatchSession implements BatchSession {
    /** Banks kept after a step (runs per decode step). */
    static final int MAX_BANKS = Integer.getInteger("codegen.ort.maxBanks", 4);
    /** Columns of room a bank gets beyond its end when it is built or grown. */
    static final int GROW = 32;
    /** Spare rows a bank gets when it is built, for sequences that join later. */
    static final int SPARE_ROWS = 8;
    /**
     * Bytes of parked rows (paused or preempted sequences) a session keeps; beyond, the oldest are dropped and
     * prefilled again if they return.
     */
    static final long PARK_BYTES = Long.getLong("codegen.ort.parkBytes", 64L << 20);
    /** Pooled spare buffers. */
    private static final int POOL = 2 * MAX_BANKS + 2;
    /*
     * The two costs below were measured with ONNX Runtime on this project's 2-core CPU; the TensorRT path uses the
     * same session, where they are only a reasonable merge heuristic (a GPU run's fixed cost is relatively larger).
     */
    /** Per-row cost of a decode run that does not depend on the axis, in axis columns (measured on CPU). */
    private static final int ROW_COST_COLUMNS = 128;
    /** Fixed cost of one run (tensors, dispatch), in row-columns: merging banks that pad fewer saves time. */
    private static final int RUN_COST_COLUMNS = 768;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final KvLayout kv;
    private final GraphContract graph;
    private final List<String> pastNames;
    private final int vocab;
    private final int context;

    private final List<KvBank> banks = new ArrayList<>();
    private final Map<Long, KvBank> bankOf = new HashMap<>();
    /** Parked rows, oldest first: each a one-row bank outside the decode runs, until its sequence returns. */
    private final LinkedHashMap<Long, KvBank> parked = new LinkedHashMap<>();
    private long parkedBytes;
    /** Rows prefilled since the session opened (tests check that parked rows return without one). */
    private long prefilledRows;
    private final List<FloatBuffer> pool = new ArrayList<>();
    private FloatBuffer scratch;

    /** A row to copy into a new bank: its tokens end at column {@code end} of a buffer of rows x cap. */
    private record Source(FloatBuffer buf, int rows, int cap, int end, int row, long id, int len) {
        static Source of(KvBank b, int r) {
            return new Source(b.buf, b.rowsCap, b.cap, b.end, r, b.rowIds[r], b.rowLen[r]);
        }
    }

    private static List<Source> liveRows(KvBank b) {
        List<Source> live = new ArrayList<>();
        for (int r = 0; r < b.batch; r++) {
            if (b.rowIds[r] != KvBank.DEAD) {
                live.add(Source.of(b, r));
            }
        }
        return live;
    }

    OrtBatchSession(OrtEnvironment env, OrtSession session, KvLayout kv, GraphContract graph, int vocab, int context) {
        this.env = env;
        this.session = session;
        this.kv = kv;
        this.graph = graph;
        this.pastNames = graph.pastNames();
        this.vocab = vocab;
        this.context = context;
    }

    @Override
    public float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException {
        float[][] out = new float[rows.size()][];
        List<Integer> cachedRows = new ArrayList<>();
        Map<KvBank, boolean[]> keep = new IdentityHashMap<>();
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SequenceView s = rows.get(i);
            KvBank b = unpark(s);
            Integer r = b == null ? null : b.rowOf.get(s.id());
            if (r != null && b.rowLen[r] == s.length() - 1) {
                cachedRows.add(i);
                keep.computeIfAbsent(b, k -> new boolean[k.rowsCap])[r] = true;
            } else {
                fresh.add(i);
            }
        }
        try {
            // rows not in this step (finished, preempted, failed, or out of step) die
            for (int i = banks.size() - 1; i >= 0; i--) {
                KvBank b = banks.get(i);
                boolean[] k = keep.get(b);
                for (int r = 0; r < b.batch; r++) {
                    if (b.rowIds[r] != KvBank.DEAD && (k == null || !k[r])) {
                        bankOf.remove(b.rowIds[r]);
                        b.kill(r);
                    }
                }
                if (b.live() == 0) {
                    drop(b);
                } else if (worthCompacting(b)) {
                    rebuild(b);
                }
            }
            Map<KvBank, List<Integer>> cached = new IdentityHashMap<>(); // after compaction: banks may be new
            for (int i : cachedRows) {
                cached.computeIfAbsent(bankOf.get(rows.get(i).id()), k -> new ArrayList<>()).add(i);
            }
            for (KvBank b : List.copyOf(banks)) {
                decode(b, rows, cached.get(b), out, control);
            }
            if (!fresh.isEmpty()) {
                prefill(rows, fresh, out, control);
            }
            while (banks.size() > 1) {
                long[] pick = cheapestMerge();
                if (banks.size() <= MAX_BANKS && pick[2] > RUN_COST_COLUMNS) {
                    break;
                }
                merge(banks.get((int) pick[0]), banks.get((int) pick[1]));
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

    /**
     * The bank of {@code s}'s cached row: a parked row that returns at the length it left with goes back into the
     * runs (as a one-row bank, merged like any other); at another length it is dropped (and prefilled).
     */
    private KvBank unpark(SequenceView s) {
        KvBank b = bankOf.get(s.id());
        if (b == null || parked.get(s.id()) != b) {
            return b;
        }
        if (b.rowLen[b.rowOf.get(s.id())] == s.length() - 1) {
            parked.remove(s.id());
            parkedBytes -= b.bytes();
            banks.add(b);
            return b;
        }
        dropParked(s.id());
        return null;
    }

    /** Forgets a parked row: its sequence is prefilled if it returns. */
    private void dropParked(long id) {
        KvBank b = parked.remove(id);
        parkedBytes -= b.bytes();
        bankOf.remove(id);
        release(b.buf);
        b.buf = null;
    }

    /**
     * Copies {@code s}'s row out of its bank into a one-row bank of its own that no run reads, so that it can come
     * back without a prefill (a paused or preempted sequence); its slot in the bank dies.
     */
    @Override
    public void park(SequenceView s) {
        KvBank b = bankOf.get(s.id());
        Integer r = b == null || parked.containsKey(s.id()) ? null : b.rowOf.get(s.id());
        if (r == null) {
            return;
        }
        KvBank own;
        try {
            own = build(List.of(Source.of(b, r)), 0);
        } catch (OutOfMemoryError e) {
            return; // not kept: the row dies at the next step and is prefilled if it returns
        }
        b.kill(r);
        parked.put(s.id(), own);
        parkedBytes += own.bytes();
        while (parkedBytes > PARK_BYTES) {
            dropParked(parked.keySet().iterator().next()); // the oldest
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
    private boolean worthCompacting(KvBank b) {
        if (b.dead == 0 && b.end - b.maxLive() < 16) {
            return false;
        }
        long wasted = (long) b.dead * (ROW_COST_COLUMNS + b.cap) + (long) b.live() * (b.end - b.maxLive());
        return 4 * wasted >= b.liveColumns();
    }

    /** Room for the next columns: at most the context, at least one column beyond {@code end}. */
    private int capacityFor(int end) {
        return Math.max(end + 1, Math.min(context, end + GROW));
    }

    /** A new bank holding {@code sources}, their tokens ending at the longest one's length (rows registered). */
    private KvBank build(List<Source> sources) {
        return build(sources, SPARE_ROWS);
    }

    private KvBank build(List<Source> sources, int spareRows) {
        int end = 0;
        for (Source s : sources) {
            end = Math.max(end, s.len());
        }
        int rowsCap = sources.size() + spareRows;
        int cap = capacityFor(end);
        KvBank bank = new KvBank(kv, acquire(kv.floats(rowsCap, cap)), rowsCap, cap, end);
        for (Source s : sources) {
            int r = bank.batch;
            kv.copyRow(s.buf(), s.rows(), s.cap(), s.end(), s.row(), bank.buf, rowsCap, cap, end, r, s.len());
            bank.place(r, s.id(), s.len());
            bankOf.put(s.id(), bank);
        }
        return bank;
    }

    private void drop(KvBank b) {
        banks.remove(b);
        release(b.buf);
        b.buf = null;
    }

    /** Replaces a bank (in place in the bank list) by a copy of its live rows, trimmed to the longest, with room to grow. */
    private KvBank rebuild(KvBank b) {
        KvBank copy = build(liveRows(b));
        banks.set(banks.indexOf(b), copy);
        release(b.buf);
        b.buf = null;
        return copy;
    }

    /** One decode step over every row of a bank (dead rows masked); appends the new column. */
    private void decode(KvBank current, List<? extends SequenceView> rows, List<Integer> cached, float[][] out,
                        StepControl control) throws OrtException {
        KvBank bank = current.end >= current.cap ? rebuild(current) : current;
        int b = bank.batch;
        int t = bank.cap + 1;
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
            Arrays.fill(mask, r * t + (bank.end - bank.rowLen[r]), r * t + bank.end, 1L);
        }
        for (int r = 0; r < b; r++) {
            mask[(r + 1) * t - 1] = 1L;
        }
        int cols = graph.outputColumns(bank.cap, 1);
        FloatBuffer fresh = scratch(kv.floats(b, cols));
        run(ids, pos, new long[]{b, 1}, mask, new long[]{b, t}, bank, fresh, b, control, (r, logits) -> {
            if (rowToInput[r] >= 0) {  // dead rows are masked; their column is not kept
                kv.copyRow(fresh, b, cols, cols, r, bank.buf, bank.rowsCap, bank.cap, bank.end + 1, r, 1);
                out[rowToInput[r]] = logits;
                bank.rowLen[r]++;
            }
        });
        bank.end++;
    }

    /**
     * Prefills the joining rows in one run (left-padded, empty past), then copies each into the free row of the
     * bank it pads least; the rest (longer than every bank's end, or no room) form a new bank.
     */
    private void prefill(List<? extends SequenceView> rows, List<Integer> fresh, float[][] out, StepControl control)
            throws OrtException {
        int f = fresh.size();
        prefilledRows += f;
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
        FloatBuffer newKv = scratch(kv.floats(f, s));
        run(ids, pos, new long[]{f, s}, mask, new long[]{f, s}, null, newKv, f, control,
                (j, logits) -> out[fresh.get(j)] = logits);
        List<Source> homeless = new ArrayList<>();
        for (int j = 0; j < f; j++) {
            SequenceView seq = rows.get(fresh.get(j));
            Source src = new Source(newKv, f, s, s, j, seq.id(), seq.length());
            KvBank host = null;
            int r = -1;
            for (KvBank b : banks) {
                int free = b.freeRow(src.len());
                if (free >= 0 && (host == null || b.end < host.end)) {
                    host = b;
                    r = free;
                }
            }
            if (host == null) {
                homeless.add(src);
                continue;
            }
            kv.copyRow(newKv, f, s, s, j, host.buf, host.rowsCap, host.cap, host.end, r, src.len());
            host.place(r, src.id(), src.len());
            bankOf.put(src.id(), host);
        }
        if (!homeless.isEmpty()) {
            banks.add(build(homeless));
        }
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
                KvBank a = banks.get(i);
                KvBank c = banks.get(j);
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

    /** Merges two banks into a new bank of their live rows. */
    private void merge(KvBank a, KvBank c) {
        List<Source> live = liveRows(a);
        live.addAll(liveRows(c));
        banks.add(build(live));
        drop(a);
        drop(c);
    }

    /**
     * Runs the graph over {@code bank}'s past (an empty past when {@code bank} is null); ONNX Runtime writes the KV
     * output ({@link GraphContract#outputColumns} columns) into {@code newKv} (a direct buffer) and each row's
     * last-position logits go to {@code rowLogits}.
     */
    private void run(long[] ids, long[] pos, long[] idShape, long[] mask, long[] maskShape, KvBank bank,
                     FloatBuffer newKv, int b, StepControl control, RowLogits rowLogits) throws OrtException {
        int seq = (int) idShape[1];
        List<OnnxTensor> owned = new ArrayList<>(pastNames.size() + 4);
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), idShape)));
            in.put("position_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(pos), idShape)));
            in.put("attention_mask", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), maskShape)));
            int pastCols = bank == null ? 0 : bank.cap;
            long[] pastShape = kv.partShape(b, pastCols);
            FloatBuffer empty = FloatBuffer.allocate(0);
            for (int p = 0; p < pastNames.size(); p++) {
                FloatBuffer past = bank == null ? empty : bank.part(p);
                in.put(pastNames.get(p), own(owned, OnnxTensor.createTensor(env, past, pastShape)));
            }
            if (graph.useCacheBranch()) {
                in.put(GraphContract.USE_CACHE_BRANCH,
                        own(owned, OnnxTensor.createTensor(env, new boolean[]{pastCols > 0})));
            }
            Map<String, OnnxTensor> outputs = new HashMap<>();
            int cols = graph.outputColumns(pastCols, seq);
            if (graph.layout() == ModelFiles.Layout.OPTIMUM) {
                long partFloats = kv.partFloats(b, cols);
                for (int p = 0; p < kv.parts(); p++) {
                    outputs.put(graph.presentNames().get(p), own(owned, OnnxTensor.createTensor(env,
                            slice(newKv, p * partFloats, partFloats), kv.partShape(b, cols))));
                }
            } else {
                outputs.put("new_key_values", own(owned, OnnxTensor.createTensor(env, newKv,
                        new long[]{kv.layers, 2, b, kv.heads, seq, kv.headDim})));
            }
            control.onCancel(() -> {
                try {
                    options.setTerminate(true);
                } catch (OrtException ignored) {
                    // the run is ending anyway
                }
            });
            try (OrtSession.Result result = session.run(in, Set.of("logits"), outputs, options)) {
                FloatBuffer logits = ((OnnxTensor) result.get("logits").get()).getFloatBuffer();
                for (int r = 0; r < b; r++) {
                    float[] row = new float[vocab];
                    logits.get((int) graph.logitsOffset(r, seq, vocab), row);
                    rowLogits.accept(r, row);
                }
            }
        } finally {
            control.clear();
            owned.forEach(OnnxTensor::close);
        }
    }

    private interface RowLogits {
        void accept(int row, float[] logits);
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    /** A direct buffer of exactly {@code floats} floats for the run's new keys and values, reused across steps. */
    private FloatBuffer scratch(long floats) {
        if (scratch == null || scratch.capacity() < floats) {
            scratch = KvLayout.allocate(floats);
        }
        return slice(scratch, floats);
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
        return slice(buf, 0, floats);
    }

    private static FloatBuffer slice(FloatBuffer buf, long offset, long floats) {
        if (floats == 0) {
            return FloatBuffer.allocate(0);
        }
        return buf.duplicate().clear().position((int) offset).limit((int) (offset + floats)).slice();
    }

    private void clear() {
        banks.forEach(b -> release(b.buf));
        banks.clear();
        parked.values().forEach(b -> release(b.buf));
        parked.clear();
        parkedBytes = 0;
        bankOf.clear();
    }

    @Override
    public void reset() {
        clear();
    }

    long prefilledRows() {
        return prefilledRows;
    }

    @Override
    public long kvBytes() {
        long n = 0;
        for (KvBank b : banks) {
            n += b.bytes();
        }
        return n + parkedBytes;
    }

    @Override
    public void close() {
        clear();
        pool.clear();
        scratch = null;
    }
}
