package io.codegenstreams.inference.internals.ort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Index arithmetic and row copies for the KV tensor {@code [layers, 2, batch, heads, seq, headDim]}.
 * Rows are right-aligned: a row holding {@code len} tokens occupies the last {@code len} slots of each head's
 * {@code seq} axis; the slots before are padding that the attention mask hides.
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

    long[] shape(int batch, int seq) {
        return new long[]{layers, 2, batch, heads, seq, headDim};
    }

    long floats(int batch, int seq) {
        return (long) layers * 2 * batch * heads * seq * headDim;
    }

    /**
     * Copies the last {@code len} tokens of row {@code srcRow} of {@code src} ({@code srcBatch} x {@code srcSeq})
     * into row {@code dstRow} of {@code dst} ({@code dstBatch} x {@code dstSeq}), right-aligned.
     */
    void copyRow(FloatBuffer src, int srcBatch, int srcSeq, int srcRow, FloatBuffer dst, int dstBatch, int dstSeq,
                 int dstRow, int len) {
        int n = len * headDim;
        for (int lk = 0; lk < layers * 2; lk++) {
            for (int h = 0; h < heads; h++) {
                int s = (((lk * srcBatch + srcRow) * heads + h) * srcSeq + (srcSeq - len)) * headDim;
                int d = (((lk * dstBatch + dstRow) * heads + h) * dstSeq + (dstSeq - len)) * headDim;
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
