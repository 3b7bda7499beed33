package io.codegenstreams.inference.internals.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.EngineListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {

    private static final class Recorder implements EngineListener {
        final List<String> loaded = new ArrayList<>();

        @Override
        public void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
            loaded.add(model + "@" + version + ":" + loadNanos + "/" + warmupNanos);
        }
    }

    @Test
    void shouldReplayModelsAlreadyLoadedWhenAListenerRegistersLate() {
        Listeners listeners = new Listeners();
        listeners.onModelLoaded("a", "1", 10, 20);
        listeners.onModelLoaded("b", "2", 30, 40);
        listeners.onModelEvicted("a", "lru");

        Recorder late = new Recorder();
        listeners.add(late);
        listeners.onModelLoaded("c", "3", 50, 60);

        assertThat(late.loaded).containsExactly("b@2:30/40", "c@3:50/60");
    }

    @Test
    void shouldKeepNotifyingOthersWhenOneListenerThrows() {
        Listeners listeners = new Listeners();
        listeners.add(new EngineListener() {
            @Override
            public void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
                throw new IllegalStateException("broken listener");
            }
        });
        Recorder recorder = new Recorder();
        listeners.add(recorder);

        listeners.onModelLoaded("a", "1", 1, 2);

        assertThat(recorder.loaded).containsExactly("a@1:1/2");
    }
}
