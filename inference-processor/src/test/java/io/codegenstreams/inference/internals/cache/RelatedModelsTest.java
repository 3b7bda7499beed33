package io.codegenstreams.inference.internals.cache;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RelatedModelsTest {
    @Test
    void shouldPredictSuccessorWhenTransitionWasObservedTwice() {
        RelatedModels r = new RelatedModels();
        r.observe("a");
        r.observe("b");
        assertThat(r.predict("a", List.of())).isEmpty(); // seen once: not yet
        r.observe("a");
        r.observe("b");
        r.observe("a");
        r.observe("c");
        assertThat(r.predict("a", List.of())).containsExactly("b");
        assertThat(r.predict("a", List.of("d"))).containsExactly("d", "b");
    }
}
