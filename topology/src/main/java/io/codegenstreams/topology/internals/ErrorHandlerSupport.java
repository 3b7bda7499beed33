package io.codegenstreams.topology.internals;

import io.codegenstreams.topology.PipelineListener;
import java.util.Map;

/** How the error handlers, which Kafka Streams instantiates by class name, find their listener and DLQ topic. */
public final class ErrorHandlerSupport {
  /** Config key (an object, not a string) under which the pipeline passes its {@link PipelineListener}. */
  public static final String LISTENER = "codegen.pipeline.listener";
  /** Config key of the dead-letter topic the handlers write skipped records to. */
  public static final String DLQ_TOPIC = "codegen.dlq.topic";

  private ErrorHandlerSupport() {}

  static PipelineListener listener(Map<String, ?> configs) {
    Object listener = configs.get(LISTENER);
    return listener instanceof PipelineListener l ? l : PipelineListener.NONE;
  }

  static String dlqTopic(Map<String, ?> configs) {
    Object topic = configs.get(DLQ_TOPIC);
    if (topic == null) {
      throw new IllegalStateException(DLQ_TOPIC + " is not set; the pipeline sets it from dlq.topic");
    }
    return topic.toString();
  }
}
