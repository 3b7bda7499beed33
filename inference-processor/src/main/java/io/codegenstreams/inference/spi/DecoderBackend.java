package io.codegenstreams.inference.spi;

/** A loaded decoder model. Thread-safe: sessions may be opened from any thread, each used by one thread. */
public interface DecoderBackend extends AutoCloseable {
    ModelInfo info();

    /** The model's tokenizer. By default the byte-level vocabulary of the project's own contract. */
    default TextCodec codec() {
        return new ByteLevelCodec(info().bosTokenId(), info().eosTokenId());
    }

    /** Opens a batch session holding KV caches; the scheduler keeps one for the model's life. */
    BatchSession openSession();

    /** Releases the model (native memory, sessions). */
    @Override
    void close();
}
