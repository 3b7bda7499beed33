package io.codegenstreams.serde;

import org.apache.avro.Schema;

/**
 * The default: subject {@code <topic>-key} or {@code <topic>-value}, so each topic has one key and one value schema
 * history. Same subjects as Confluent's {@code io.confluent.kafka.serializers.subject.TopicNameStrategy}.
 */
public final class TopicNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return topic + (isKey ? "-key" : "-value");
  }
}
