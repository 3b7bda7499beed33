package io.codegenstreams.inference.internals.cache;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Predicts which models will be requested next, from the observed sequence of requested models: a first-order
 * transition count (model A requested, then B) — the successor seen at least twice after A, most often first —
 * plus the models declared related to A. Thread-safe.
 */
final class RelatedModels {
    private final Map<String, Map<String, Integer>> transitions = new HashMap<>();
    private String last;

    /** Records a request for {@code model}. */
    synchronized void observe(String model) {
        if (last != null && !last.equals(model)) {
            transitions.computeIfAbsent(last, k -> new HashMap<>()).merge(model, 1, Integer::sum);
        }
        last = model;
    }

    /** Models likely to follow {@code model}: declared related ones, then the learned successor. */
    synchronized Set<String> predict(String model, List<String> declared) {
        Set<String> out = new LinkedHashSet<>(declared);
        Map<String, Integer> next = transitions.get(model);
        if (next != null) {
            next.entrySet().stream().filter(e -> e.getValue() >= 2)
                    .max(Map.Entry.comparingByValue()).ifPresent(e -> out.add(e.getKey()));
        }
        out.remove(model);
        return out;
    }
}
