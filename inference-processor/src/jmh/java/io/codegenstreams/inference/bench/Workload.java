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

    /** Mixed output lengths: uniform over 8..128 new tokens (mean 68). */
    static final int MIXED_MIN = 8;
    static final int MIXED_MAX = 128;

    private Workload() {
    }

    static List<GenerationRequest> mixed(int n, long seed) {
        return build(n, seed, MIXED_MIN, MIXED_MAX);
    }

    static List<GenerationRequest> fixed(int n, long seed, int newTokens) {
        return build(n, seed, newTokens, newTokens);
    }

    private static List<GenerationRequest> build(int n, long seed, int minNew, int maxNew) {
        Random r = new Random(seed);
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = r.nextInt(CORPUS.length() - 80);
            String prompt = CORPUS.substring(from, from + 16 + r.nextInt(48));
            int len = minNew + r.nextInt(maxNew - minNew + 1);
            out.add(new GenerationRequest("r" + i, prompt, null, Priority.NORMAL, len, 0f, 0, List.of(), null, null));
        }
        return out;
    }
}
