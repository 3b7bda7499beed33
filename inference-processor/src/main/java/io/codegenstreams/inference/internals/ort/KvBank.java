package io.codegenstreams.inference.internals.ort;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A sub-batch decoded by one run: a KV buffer ({@link KvLayout}) with room for {@code rowsCap} rows of
 * {@code cap} columns, of which the first {@code batch} rows are in the run. Every row's tokens end at column
 * {@code end}. A row that leaves dies in place (masked) and its slot can take a joining sequence later.
 */
final class KvBank {
    static final long DEAD = -1;

    final KvLayout kv;
    FloatBuffer buf;
    final int rowsCap;
    final int cap;
    int end;
    int batch;
    int dead;
    final long[] rowIds;
    final int[] rowLen;
    final Map<Long, Integer> rowOf = new HashMap<>();

    KvBank(KvLayout kv, FloatBuffer buf, int rowsCap, int cap, int end) {
        this.kv = kv;
        this.buf = buf;
        this.rowsCap = rowsCap;
        this.cap = cap;
        this.end = end;
        this.rowIds = new long[rowsCap];
        this.rowLen = new int[rowsCap];
        Arrays.fill(rowIds, DEAD);
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

    /** A slot for a joining row of {@code len} tokens: a dead row, else a new one; -1 if none or too long. */
    int freeRow(int len) {
        if (len > end) {
            return -1;
        }
        if (dead > 0) {
            for (int r = 0; r < batch; r++) {
                if (rowIds[r] == DEAD) {
                    return r;
                }
            }
        }
        return batch < rowsCap ? batch : -1;
    }

    void place(int r, long id, int len) {
        if (r == batch) {
            batch++;
        } else {
            dead--;
        }
        rowIds[r] = id;
        rowLen[r] = len;
        rowOf.put(id, r);
    }

    void kill(int r) {
        rowOf.remove(rowIds[r]);
        rowIds[r] = DEAD;
        dead++;
    }

    /** Part {@code p} (layer p/2, keys or values) of the rows in the run: one ONNX input, no copy. */
    FloatBuffer part(int p) {
        long stride = kv.partFloats(rowsCap, cap);
        return buf.duplicate().clear().position((int) (p * stride))
                .limit((int) (p * stride + kv.partFloats(batch, cap))).slice();
    }

    long bytes() {
        return kv.floats(rowsCap, cap) * 4;
    }
}
