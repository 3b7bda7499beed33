package io.codegenstreams.inference.internals.engine;

import java.util.concurrent.atomic.LongAdder;

/** Engine-wide monotonic counters behind {@link io.codegenstreams.inference.EngineStats}. */
public final class Counters {
    public final LongAdder inferences = new LongAdder();
    public final LongAdder tokens = new LongAdder();
    public final LongAdder completed = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder timeouts = new LongAdder();
    public final LongAdder failures = new LongAdder();
    public final LongAdder cacheHits = new LongAdder();
    public final LongAdder cacheMisses = new LongAdder();
}
