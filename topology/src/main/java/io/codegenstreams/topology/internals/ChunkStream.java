package io.codegenstreams.topology.internals;

import io.codegenstreams.inference.TextStream;
import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.topology.ChunkSink;
import io.codegenstreams.topology.PipelineListener;
import java.time.Instant;

/** Turns one streaming request's text into {@link CodeGenChunk} records for the stream topic. */
final class ChunkStream implements TextStream {
  private final String requestId;
  private final Priority lane;
  private final long createdMs;
  private final ChunkSink sink;
  private final PipelineListener listener;

  /** @param createdMs the request's created_at (or its arrival), from which time to first token is measured */
  ChunkStream(String requestId, Priority lane, long createdMs, ChunkSink sink, PipelineListener listener) {
    this.requestId = requestId;
    this.lane = lane;
    this.createdMs = createdMs;
    this.sink = sink;
    this.listener = listener;
  }

  @Override
  public void onText(int sequence, String delta, int tokens, boolean last) {
    long now = System.currentTimeMillis();
    if (sequence == 0 && tokens > 0) {
      listener.onFirstChunk(lane, Math.max(0, now - createdMs));
    }
    sink.send(CodeGenChunk.newBuilder().setRequestId(requestId).setSequence(sequence).setText(delta)
        .setTokens(tokens).setLast(last).setCreatedAt(Instant.ofEpochMilli(now)).build());
  }
}
