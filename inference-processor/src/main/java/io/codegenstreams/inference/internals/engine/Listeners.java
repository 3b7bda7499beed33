package io.codegenstreams.inference.internals.engine;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans events out to the registered listeners; a throwing listener is logged and does not disturb the engine.
 * Models start loading when the engine is created, before anyone can register: a listener added later is told at
 * once of the models already loaded, so load and warm-up times are never lost.
 */
public final class Listeners implements EngineListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final CopyOnWriteArrayList<EngineListener> all = new CopyOnWriteArrayList<>();
    private final Map<String, Consumer<EngineListener>> loaded = new LinkedHashMap<>();

    public synchronized void add(EngineListener l) {
        all.add(l);
        loaded.values().forEach(replay -> {
            try {
                replay.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("EngineListener {} threw", l, e);
            }
        });
    }

    private void each(Consumer<EngineListener> call) {
        for (EngineListener l : all) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("EngineListener {} threw", l, e);
            }
        }
    }

    @Override
    public void onBatchStep(String model, int batchSize, int newTokens, int prefillTokens, long nanos) {
        each(l -> l.onBatchStep(model, batchSize, newTokens, prefillTokens, nanos));
    }

    @Override
    public void onCompletion(Completion completion) {
        each(l -> l.onCompletion(completion));
    }

    @Override
    public synchronized void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
        Consumer<EngineListener> event = l -> l.onModelLoaded(model, version, loadNanos, warmupNanos);
        loaded.put(model, event);
        each(event);
    }

    @Override
    public synchronized void onModelEvicted(String model, String reason) {
        loaded.remove(model);
        each(l -> l.onModelEvicted(model, reason));
    }

    @Override
    public void onRejected(String model, Priority priority, String reason) {
        each(l -> l.onRejected(model, priority, reason));
    }

    @Override
    public void onTimeout(String model, Priority priority, boolean whileWaiting) {
        each(l -> l.onTimeout(model, priority, whileWaiting));
    }

    @Override
    public void onStepFailure(String model, int batchSize, String reason) {
        each(l -> l.onStepFailure(model, batchSize, reason));
    }
}
