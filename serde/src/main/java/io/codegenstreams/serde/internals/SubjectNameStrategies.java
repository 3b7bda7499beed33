package io.codegenstreams.serde.internals;

import io.codegenstreams.serde.RecordNameStrategy;
import io.codegenstreams.serde.SerdeException;
import io.codegenstreams.serde.SubjectNameStrategy;
import io.codegenstreams.serde.TopicNameStrategy;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Resolves subject-name-strategy class names, accepting Confluent's names as aliases of ours. */
public final class SubjectNameStrategies {
  public static final String CONFLUENT_TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";
  public static final String CONFLUENT_RECORD_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.RecordNameStrategy";

  private static final Map<String, String> ALIASES = Map.of(
      CONFLUENT_TOPIC_NAME_STRATEGY, TopicNameStrategy.class.getName(),
      CONFLUENT_RECORD_NAME_STRATEGY, RecordNameStrategy.class.getName());

  /** Accepts a class name that resolves to a {@link SubjectNameStrategy}. */
  public static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        throw new ConfigException(name, null, "must name a subject name strategy class");
      }
      try {
        create((String) value);
      } catch (SerdeException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "a class implementing " + SubjectNameStrategy.class.getName();
    }
  };

  private SubjectNameStrategies() {}

  /** A new strategy instance for {@code className} (ours, a Confluent alias, or any implementation). */
  public static SubjectNameStrategy create(String className) {
    String resolved = ALIASES.getOrDefault(className.trim(), className.trim());
    if (resolved.equals(TopicNameStrategy.class.getName())) {
      return new TopicNameStrategy();
    }
    if (resolved.equals(RecordNameStrategy.class.getName())) {
      return new RecordNameStrategy();
    }
    try {
      Class<?> type = Class.forName(resolved, true, Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : SubjectNameStrategies.class.getClassLoader());
      if (!SubjectNameStrategy.class.isAssignableFrom(type)) {
        throw new SerdeException(resolved + " does not implement " + SubjectNameStrategy.class.getName());
      }
      return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new SerdeException("class " + resolved + " not found; use " + TopicNameStrategy.class.getName()
          + " or " + RecordNameStrategy.class.getName(), e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      if (e instanceof SerdeException) {
        throw (SerdeException) e;
      }
      throw new SerdeException("cannot instantiate " + resolved + " with its no-argument constructor: " + cause, cause);
    }
  }
}
