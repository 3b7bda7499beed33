package io.codegenstreams.inference.internals.ort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Index arithmetic and row copies for a KV buffer laid out as {@code [layers, 2, rows, heads, capacity, headDim]}:
 * one contiguous {@code [rows, heads, capacity, headDim]} part per layer and kind (0 = keys, 1 = values). The first
 * {@code batch} rows of a part are exactly one {@code past_<kind>_<layer>} input of the ONNX contract, so a part
 * is handed to ONNX Runtime without a copy, and a row can be added in place while {@code batch < rows}.
 *
 * <p>Rows are right-aligned on a common end column: a row holding {@code len} tokens occupies columns
 * {@code [end - len, end)} of every head; the columns before are padding and the columns from {@code end} to
 * {@code capacity} are room for the next tokens. The attention mask hides both.
 */
final class KvLayout {
    final int layers;
    final int heads;
    final int headDim;

    KvLayout(int layers, int heads, int headDim) {
        this.layers = layers;
        this.heads = heads;
        this.headDim = headDim;
    }

    int parts() {
        return 2 * layers;
    }

    long[] partShape(int batch, int capacity) {
        return new long[]{batch, heads, capacity, headDim};
    }

    /** Floats of one part holding {@code rows} rows of {@code capacity} columns. */
    long partFloats(int rows, int capacity) {
        return (long) rows * heads * capacity * headDim;
    }

    long floats(int rows, int capacity) {
        return parts() * partFloats(rows, capacity);
    }

    /**
     * Copies the {@code len} tokens ending at column {@code srcEnd} of row {@code srcRow} of {@code src} (parts of
     * {@code srcRows} rows x {@code srcCap} columns) so that they end at column {@code dstEnd} of row {@code dstRow}
     * of {@code dst} ({@code dstRows} x {@code dstCap}). A run's KV output over {@code b} rows is such a buffer with
     * {@code b} rows of {@link GraphContract#outputColumns} columns.
     */
    void copyRow(FloatBuffer src, int srcRows, int srcCap, int srcEnd, int srcRow,
                 FloatBuffer dst, int dstRows, int dstCap, int dstEnd, int dstRow, int len) {
        int n = len * headDim;
        for (int p = 0; p < parts(); p++) {
            for (int h = 0; h < heads; h++) {
                int s = (((p * srcRows + srcRow) * heads + h) * srcCap + (srcEnd - len)) * headDim;
                int d = (((p * dstRows + dstRow) * heads + h) * dstCap + (dstEnd - len)) * headDim;
                dst.put(d, src, s, n);
            }
        }
    }

    /** A direct buffer in native order with 25% headroom, so later rebuilds can reuse it. */
    static FloatBuffer allocate(long floats) {
        long withHeadroom = floats + floats / 4;
        if (withHeadroom * 4 > Integer.MAX_VALUE) {
            throw new OutOfMemoryError("KV tensor of " + floats + " floats is too large");
        }
        return ByteBuffer.allocateDirect((int) withHeadroom * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
