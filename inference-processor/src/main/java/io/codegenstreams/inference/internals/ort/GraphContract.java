package io.codegenstreams.inference.internals.ort;

import java.util.ArrayList;
import java.util.List;

/**
 * The names and output semantics of a decoder graph's KV-cache inputs and outputs, for the two layouts
 * ({@link ModelFiles.Layout}). Both take {@code input_ids}, {@code position_ids} and {@code attention_mask}
 * (over past and new columns) and one past tensor {@code [batch, kvHeads, past, headDim]} per layer and kind.
 *
 * <ul>
 *   <li>{@code NATIVE}: past {@code past_key_<l>}, {@code past_value_<l>}; outputs {@code logits [batch, vocab]} of
 *       the last position and {@code new_key_values [layers, 2, batch, kvHeads, seq, headDim]}, the fed positions
 *       only.
 *   <li>{@code OPTIMUM} (Hugging Face Optimum's {@code text-generation-with-past} export): past
 *       {@code past_key_values.<l>.key|value}; outputs {@code logits [batch, seq, vocab]} and
 *       {@code present.<l>.key|value [batch, kvHeads, past + seq, headDim]} = concat(past, new). The session binds
 *       each present to a slice of one buffer laid out like {@code new_key_values} with {@code past + seq}
 *       columns, so the new columns are read where the native contract has them, at the end.
 * </ul>
 *
 * @param useCacheBranch whether the graph is a merged export with a {@code use_cache_branch} input
 */
record GraphContract(ModelFiles.Layout layout, List<String> pastNames, List<String> presentNames,
                     boolean useCacheBranch) {
    static final String USE_CACHE_BRANCH = "use_cache_branch";

    static GraphContract of(ModelFiles.Layout layout, int layers, boolean useCacheBranch) {
        List<String> past = pastNames(layout, layers);
        List<String> present = new ArrayList<>();
        if (layout == ModelFiles.Layout.OPTIMUM) {
            for (String n : past) {
                present.add(n.replace("past_key_values.", "present."));
            }
        } else {
            present.add("new_key_values");
        }
        return new GraphContract(layout, past, List.copyOf(present), useCacheBranch);
    }

    /** Past input names in the order of the KV parts: layer 0 keys, layer 0 values, layer 1 keys, ... */
    static List<String> pastNames(ModelFiles.Layout layout, int layers) {
        List<String> names = new ArrayList<>(2 * layers);
        for (int l = 0; l < layers; l++) {
            if (layout == ModelFiles.Layout.OPTIMUM) {
                names.add("past_key_values." + l + ".key");
                names.add("past_key_values." + l + ".value");
            } else {
                names.add("past_key_" + l);
                names.add("past_value_" + l);
            }
        }
        return names;
    }

    /** Columns of the KV output of a run over {@code past} past columns and {@code seq} new ones. */
    int outputColumns(int past, int seq) {
        return layout == ModelFiles.Layout.OPTIMUM ? past + seq : seq;
    }

    /** Offset in the logits output of row {@code r}'s last position. */
    long logitsOffset(int r, int seq, int vocab) {
        return layout == ModelFiles.Layout.OPTIMUM ? ((long) r * seq + seq - 1) * vocab : (long) r * vocab;
    }
}
