package io.codegenstreams.serde;

import org.apache.avro.Schema;

/**
 * Subject is the record's full name (for example {@code io.codegenstreams.schemas.CodeGenRequest}), so one record
 * type has one schema history across all topics it is written to. Same subjects as Confluent's
 * {@code io.confluent.kafka.serializers.subject.RecordNameStrategy}.
 */
public final class RecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new SerdeException("RecordNameStrategy needs a record schema but got " + schema.getType()
          + " for topic " + topic + "; set " + (isKey ? AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY
          : AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY) + " to " + TopicNameStrategy.class.getName());
    }
    return schema.getFullName();
  }
}
