package io.codegenstreams.inference.bench;

import io.codegenstreams.inference.GenerationRequest;
import io.codegenstreams.inference.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A reproducible list of requests with mixed prompt and output lengths. */
final class Workload {
    static final String CORPUS = """
            public final class ArrayList<E> extends AbstractList<E> implements List<E>, RandomAccess {
                private static final int DEFAULT_CAPACITY = 10;
                transient Object[] elementData;
                private int size;
                public boolean add(E e) {
                    modCount++;
                    add(e, elementData, size);
                    return true;
                }
                public E get(int index) {
                    Objects.checkIndex(index, size);
                    return elementData(index);
                }
            }
            """;

    /** Output lengths of the mix: short completions dominate, some are long (mean ~ 61 tokens). */
    static final int[] MIXED = {8, 16, 16, 32, 32, 64, 96, 128, 160};

    private Workload() {
    }

    static List<GenerationRequest> mixed(int n, long seed) {
        return build(n, seed, MIXED);
    }

    static List<GenerationRequest> fixed(int n, long seed, int newTokens) {
        return build(n, seed, new int[]{newTokens});
    }

    private static List<GenerationRequest> build(int n, long seed, int[] lengths) {
        Random r = new Random(seed);
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = r.nextInt(CORPUS.length() - 80);
            String prompt = CORPUS.substring(from, from + 16 + r.nextInt(48));
            int len = lengths[r.nextInt(lengths.length)];
            out.add(new GenerationRequest("r" + i, prompt, null, Priority.NORMAL, len, 0f, 0, List.of(), null, null));
        }
        return out;
    }
}
