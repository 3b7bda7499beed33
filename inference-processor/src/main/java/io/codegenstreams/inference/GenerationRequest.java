package io.codegenstreams.inference;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One code-generation request.
 *
 * @param id           caller's id, echoed in the {@link Completion}
 * @param prompt       text to continue; if it is longer than the model's context, its end is kept
 * @param model        declared model name, or {@code null} for the configured {@code default.model}
 * @param priority     admission lane ({@code null} means NORMAL)
 * @param maxNewTokens maximum number of generated tokens (bytes for the byte-level models), at least 1
 * @param temperature  0 means greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK         sample among the k most likely tokens; 0 means the whole vocabulary
 * @param stop         stop sequences: generation ends (reason STOP) when the output ends with one; it is not
 *                     included in the returned text. {@code null} means none
 * @param seed         sampling seed for reproducible output; {@code null} means a random seed
 * @param deadline     the request completes with TIMEOUT if it has not finished by then; {@code null} means none
 * @param suffix       the code after the cursor, for fill-in-the-middle: the completion is what goes between
 *                     {@code prompt} and it. {@code null} means none; a model without fill-in-the-middle tokens
 *                     answers a suffix with REJECTED
 */
public record GenerationRequest(String id, String prompt, String model, Priority priority, int maxNewTokens,
                                float temperature, int topK, List<String> stop, Long seed, Instant deadline,
                                String suffix) {

    public GenerationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        priority = priority == null ? Priority.NORMAL : priority;
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, was " + maxNewTokens);
        }
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite value >= 0, was " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, was " + topK);
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must be non-empty");
            }
        }
    }

    public GenerationRequest(String id, String prompt, String model, Priority priority, int maxNewTokens,
                             float temperature, int topK, List<String> stop, Long seed, Instant deadline) {
        this(id, prompt, model, priority, maxNewTokens, temperature, topK, stop, seed, deadline, null);
    }

    /** Greedy request on the default model, NORMAL priority, no stop sequence, no deadline. */
    public static GenerationRequest greedy(String id, String prompt, int maxNewTokens) {
        return new GenerationRequest(id, prompt, null, Priority.NORMAL, maxNewTokens, 0f, 0, List.of(), null, null);
    }

    public GenerationRequest withModel(String newModel) {
        return new GenerationRequest(id, prompt, newModel, priority, maxNewTokens, temperature, topK, stop, seed, deadline, suffix);
    }

    public GenerationRequest withPriority(Priority newPriority) {
        return new GenerationRequest(id, prompt, model, newPriority, maxNewTokens, temperature, topK, stop, seed, deadline, suffix);
    }

    public GenerationRequest withDeadline(Instant newDeadline) {
        return new GenerationRequest(id, prompt, model, priority, maxNewTokens, temperature, topK, stop, seed, newDeadline, suffix);
    }

    public GenerationRequest withSampling(float newTemperature, int newTopK, Long newSeed) {
        return new GenerationRequest(id, prompt, model, priority, maxNewTokens, newTemperature, newTopK, stop, newSeed, deadline, suffix);
    }

    public GenerationRequest withStop(List<String> newStop) {
        return new GenerationRequest(id, prompt, model, priority, maxNewTokens, temperature, topK, newStop, seed, deadline, suffix);
    }

    public GenerationRequest withSuffix(String newSuffix) {
        return new GenerationRequest(id, prompt, model, priority, maxNewTokens, temperature, topK, stop, seed, deadline,
                newSuffix);
    }
}
