// Verifies an exported model.onnx through ONNX Runtime (Java API), independent of PyTorch.
//   java -cp onnxruntime-<v>.jar OrtCheck.java model.onnx vectors.txt
// vectors.txt (written by export.py): "<nPrompts> <steps>", then per prompt: prompt tokens,
// torch's greedy tokens (steps+1), and steps+1 lines of torch logits.
// Checks: (1) each prompt alone (prefill with past_seq=0, then `steps` KV-cache decode steps) gives
// torch's greedy tokens and logits within 1e-3; (2) the same prompts in one left-padded batch give
// the same greedy tokens and logits as alone within 1e-4, with no NaN; (3) a prompt fed in two chunks
// (prefill, then seq > 1 on top of the cache) gives the same logits as in one prefill, within 1e-4.
import ai.onnxruntime.*;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.*;
import java.util.*;

public class OrtCheck {
    static OrtEnvironment env;
    static OrtSession session;
    static int nLayer, nHead, headDim, vocab;

    record Run(List<int[]> tokens, List<float[][]> logits) {}

    public static void main(String[] args) throws Exception {
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(args[0], new OrtSession.SessionOptions());
        long[] pastShape = ((TensorInfo) session.getInputInfo().get("past_key_0").getInfo()).getShape();
        nLayer = (int) session.getInputInfo().keySet().stream().filter(k -> k.startsWith("past_key_")).count();
        nHead = (int) pastShape[1]; headDim = (int) pastShape[3];
        vocab = (int) ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape()[1];

        List<String> lines = Files.readAllLines(Path.of(args[1]));
        String[] head = lines.get(0).trim().split(" ");
        int n = Integer.parseInt(head[0]), steps = Integer.parseInt(head[1]);
        List<long[]> prompts = new ArrayList<>();
        List<int[]> refTokens = new ArrayList<>();
        List<float[][]> refLogits = new ArrayList<>();
        int li = 1;
        for (int p = 0; p < n; p++) {
            prompts.add(Arrays.stream(lines.get(li++).trim().split(" ")).mapToLong(Long::parseLong).toArray());
            refTokens.add(Arrays.stream(lines.get(li++).trim().split(" ")).mapToInt(Integer::parseInt).toArray());
            float[][] lg = new float[steps + 1][];
            for (int s = 0; s <= steps; s++) {
                String[] f = lines.get(li++).trim().split(" ");
                lg[s] = new float[f.length];
                for (int v = 0; v < f.length; v++) lg[s][v] = Float.parseFloat(f[v]);
            }
            refLogits.add(lg);
        }

        double worstTorch = 0, worstBatch = 0;
        List<Run> alone = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            Run r = greedy(List.of(prompts.get(p)), steps);
            alone.add(r);
            check(Arrays.equals(r.tokens.get(0), refTokens.get(p)), "prompt " + p + ": ORT greedy tokens "
                    + Arrays.toString(r.tokens.get(0)) + " != torch " + Arrays.toString(refTokens.get(p)));
            worstTorch = Math.max(worstTorch, maxDiff(r.logits.get(0), refLogits.get(p)));
        }
        check(worstTorch <= 1e-3, "ORT vs torch logits differ by " + worstTorch);

        Run batch = greedy(prompts, steps);
        for (int p = 0; p < n; p++) {
            check(Arrays.equals(batch.tokens.get(p), alone.get(p).tokens.get(0)), "row " + p + ": padded batch tokens differ");
            worstBatch = Math.max(worstBatch, maxDiff(batch.logits.get(p), alone.get(p).logits.get(0)));
        }
        check(worstBatch <= 1e-4, "padded batch vs alone logits differ by " + worstBatch);

        // chunked prefill: first half with past_seq = 0, then the rest (seq > 1) on top of the cache
        double worstChunk = 0;
        for (int p = 0; p < n; p++) {
            long[] pr = prompts.get(p);
            int k = pr.length / 2;
            float[] l = chunked(Arrays.copyOfRange(pr, 0, k), Arrays.copyOfRange(pr, k, pr.length));
            worstChunk = Math.max(worstChunk, maxDiff(new float[][]{l}, new float[][]{alone.get(p).logits.get(0)[0]}));
        }
        check(worstChunk <= 1e-4, "chunked prefill logits differ by " + worstChunk);
        System.out.printf("PASS: %d prompts x (prefill + %d decode steps); max |ORT - torch| = %.2e; "
                + "max |padded batch - alone| = %.2e; max |chunked prefill - prefill| = %.2e%n",
                n, steps, worstTorch, worstBatch, worstChunk);
    }

    static void check(boolean ok, String msg) {
        if (!ok) { System.out.println("FAIL: " + msg); System.exit(1); }
    }

    static double maxDiff(float[][] a, float[][] b) {
        double w = 0;
        for (int s = 0; s < a.length; s++)
            for (int v = 0; v < a[s].length; v++) {
                if (!Float.isFinite(a[s][v]) || !Float.isFinite(b[s][v])) return Double.POSITIVE_INFINITY;
                w = Math.max(w, Math.abs(a[s][v] - b[s][v]));
            }
        return w;
    }

    /** The per-layer past, each part [B, H, P, hd] flattened, in the order past_key_0, past_value_0, ... */
    static float[][] emptyPast() {
        return new float[2 * nLayer][0];
    }

    /** Appends new_key_values [L, 2, B, H, S, hd] to the past (what the engine does in its own buffers). */
    static float[][] append(float[][] past, int B, int P, float[] fresh, int S) {
        float[][] next = new float[past.length][];
        for (int p = 0; p < past.length; p++) {
            next[p] = new float[B * nHead * (P + S) * headDim];
            for (int bh = 0; bh < B * nHead; bh++) {
                System.arraycopy(past[p], bh * P * headDim, next[p], bh * (P + S) * headDim, P * headDim);
                System.arraycopy(fresh, (p * B * nHead + bh) * S * headDim, next[p], (bh * (P + S) + P) * headDim, S * headDim);
            }
        }
        return next;
    }

    static Map<String, OnnxTensor> inputs(long[] ids, long[] pos, long[] mask, float[][] past, int B, int pastLen) throws OrtException {
        int seq = ids.length / B;
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{B, seq}));
        in.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[]{B, seq}));
        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[]{B, mask.length / B}));
        for (int l = 0; l < nLayer; l++) {
            for (int kv = 0; kv < 2; kv++) {
                in.put((kv == 0 ? "past_key_" : "past_value_") + l, OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(past[2 * l + kv]), new long[]{B, nHead, pastLen, headDim}));
            }
        }
        return in;
    }

    static float[] newKv(OrtSession.Result out, int B, int S) throws OrtException {
        OnnxTensor t = (OnnxTensor) out.get("new_key_values").get();
        long[] ps = t.getInfo().getShape();
        check(ps[0] == nLayer && ps[1] == 2 && ps[2] == B && ps[3] == nHead && ps[4] == S && ps[5] == headDim,
                "new_key_values shape " + Arrays.toString(ps));
        FloatBuffer fb = t.getFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    /** One row: prefill `a` (past_seq = 0), then feed `b` in one step (seq = b.length > 1); returns the last logits. */
    static float[] chunked(long[] a, long[] b) throws OrtException {
        long[] posA = new long[a.length], posB = new long[b.length];
        for (int i = 0; i < a.length; i++) posA[i] = i;
        for (int i = 0; i < b.length; i++) posB[i] = a.length + i;
        long[] maskA = new long[a.length], maskAB = new long[a.length + b.length];
        Arrays.fill(maskA, 1);
        Arrays.fill(maskAB, 1);
        float[][] past;
        try (OrtSession.Result out = session.run(inputs(a, posA, maskA, emptyPast(), 1, 0))) {
            past = append(emptyPast(), 1, 0, newKv(out, 1, a.length), a.length);
        }
        try (OrtSession.Result out = session.run(inputs(b, posB, maskAB, past, 1, a.length))) {
            FloatBuffer lb = ((OnnxTensor) out.get("logits").get()).getFloatBuffer();
            float[] l = new float[vocab];
            lb.get(l);
            return l;
        }
    }

    /** Left-padded batch: prefill with an empty past, then `steps` greedy decode steps with the KV cache. */
    static Run greedy(List<long[]> prompts, int steps) throws OrtException {
        int B = prompts.size(), S = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        long[] ids = new long[B * S], pos = new long[B * S];
        List<long[]> mask = new ArrayList<>();
        long[] nextPos = new long[B];
        for (int b = 0; b < B; b++) {
            long[] p = prompts.get(b);
            int pad = S - p.length;
            long[] m = new long[S];
            for (int i = 0; i < p.length; i++) {
                ids[b * S + pad + i] = p[i];
                pos[b * S + pad + i] = i;
                m[pad + i] = 1;
            }
            mask.add(m);
            nextPos[b] = p.length;
        }
        float[][] past = emptyPast();
        int pastLen = 0, seq = S;
        List<int[]> toks = new ArrayList<>();
        List<float[][]> logs = new ArrayList<>();
        for (int b = 0; b < B; b++) { toks.add(new int[steps + 1]); logs.add(new float[steps + 1][]); }
        for (int step = 0; step <= steps; step++) {
            long[] flatMask = new long[B * (pastLen + seq)];
            for (int b = 0; b < B; b++) System.arraycopy(mask.get(b), 0, flatMask, b * (pastLen + seq), pastLen + seq);
            Map<String, OnnxTensor> in = inputs(ids, pos, flatMask, past, B, pastLen);
            try (OrtSession.Result out = session.run(in)) {
                FloatBuffer lb = ((OnnxTensor) out.get("logits").get()).getFloatBuffer();
                past = append(past, B, pastLen, newKv(out, B, seq), seq);
                long[] next = new long[B];
                for (int b = 0; b < B; b++) {
                    float[] l = new float[vocab];
                    lb.get(l);
                    int arg = 0;
                    for (int v = 1; v < vocab; v++) if (l[v] > l[arg]) arg = v;
                    toks.get(b)[step] = arg;
                    logs.get(b)[step] = l;
                    next[b] = arg;
                }
                ids = next;
            }
            for (OnnxTensor t : in.values()) t.close();
            pastLen += seq;
            seq = 1;
            pos = nextPos.clone();
            for (int b = 0; b < B; b++) {
                nextPos[b]++;
                mask.set(b, Arrays.copyOf(mask.get(b), pastLen + 1));
                mask.get(b)[pastLen] = 1;
            }
        }
        return new Run(toks, logs);
    }
}
