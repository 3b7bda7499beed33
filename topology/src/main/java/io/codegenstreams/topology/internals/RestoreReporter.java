package io.codegenstreams.topology.internals;

import io.codegenstreams.topology.PipelineListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each state store restoration that has work to do and reports every finished one to the
 * {@link PipelineListener}, so a slow start (a store rebuilt from its changelog) shows up in the log and the metrics.
 */
public final class RestoreReporter implements StateRestoreListener {
  private static final Logger log = LoggerFactory.getLogger(RestoreReporter.class);

  private final PipelineListener listener;

  public RestoreReporter(PipelineListener listener) {
    this.listener = listener;
  }

  @Override
  public void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
    if (endingOffset > startingOffset) {
      log.info("restoring {} from {} offsets {}..{}", store, changelog, startingOffset, endingOffset);
    }
  }

  @Override
  public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long numRestored) {}

  @Override
  public void onRestoreEnd(TopicPartition changelog, String store, long totalRestored) {
    if (totalRestored > 0) {
      log.info("restored {} records into {} from {}", totalRestored, store, changelog);
    }
    listener.onRestored(store, changelog.partition(), totalRestored);
  }
}
