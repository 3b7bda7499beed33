package io.codegenstreams.topology;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import java.util.concurrent.atomic.LongAdder;

/** Plain counts of what the topology did; thread-safe. */
public final class PipelineCounters implements PipelineListener {
  public final LongAdder deadLetters = new LongAdder();
  public final LongAdder rejected = new LongAdder();
  public final LongAdder buffered = new LongAdder();
  public final LongAdder idempotencyHits = new LongAdder();
  public final LongAdder results = new LongAdder();
  public final LongAdder skipped = new LongAdder();
  public final java.util.Map<CancelOutcome, LongAdder> cancels = new java.util.EnumMap<>(CancelOutcome.class);

  public PipelineCounters() {
    for (CancelOutcome o : CancelOutcome.values()) {
      cancels.put(o, new LongAdder());
    }
  }

  @Override
  public void onCancel(CancelOutcome outcome) {
    cancels.get(outcome).increment();
  }

  @Override
  public void onSkipped(String handler, String reason) {
    skipped.increment();
  }

  @Override
  public void onDeadLetter(String reason) {
    deadLetters.increment();
  }

  @Override
  public void onRejected(Priority lane, String category) {
    rejected.increment();
  }

  @Override
  public void onBuffered(Priority lane) {
    buffered.increment();
  }

  @Override
  public void onIdempotencyHit(boolean whileInFlight) {
    idempotencyHits.increment();
  }

  @Override
  public void onResult(Priority lane, CodeGenResult result) {
    results.increment();
  }
}
