package io.codegenstreams.topology;

import io.codegenstreams.schemas.CodeGenChunk;

/**
 * Where the chunks of streaming requests go: the stream topic, written outside the tasks' transactions, so a
 * chunk is visible at once instead of at the next commit (at least once: a task that re-runs writes its chunks
 * again, with the same sequence numbers). Called on the engine's post-processing pool.
 */
@FunctionalInterface
public interface ChunkSink {
  void send(CodeGenChunk chunk);

  ChunkSink NONE = chunk -> {};
}
