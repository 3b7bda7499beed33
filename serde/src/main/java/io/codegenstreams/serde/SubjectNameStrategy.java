package io.codegenstreams.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered and looked up under. Implementations need a public
 * no-argument constructor: they are named by class in {@link AvroSerdeConfig#KEY_SUBJECT_NAME_STRATEGY} and
 * {@link AvroSerdeConfig#VALUE_SUBJECT_NAME_STRATEGY}.
 */
public interface SubjectNameStrategy {

  /**
   * @param topic the topic the record is written to or read from
   * @param isKey whether the schema is the record key's
   * @param schema the record's schema
   */
  String subjectName(String topic, boolean isKey, Schema schema);
}
