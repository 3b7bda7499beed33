package io.codegenstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

  @Test
  void shouldUseProductionDefaultsWhenOnlyTheUrlIsGiven() {
    AvroSerdeConfig config = new AvroSerdeConfig(Map.of("schema.registry.url", "http://a:8081/, http://b:8081"));
    assertThat(config.registryUrls()).containsExactly("http://a:8081", "http://b:8081");
    assertThat(config.autoRegisterSchemas()).isFalse();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.subjectNameStrategy(false)).isInstanceOf(TopicNameStrategy.class);
    assertThat(config.subjectNameStrategy(true).subjectName("t", true, null)).isEqualTo("t-key");
  }

  @Test
  void shouldAcceptConfluentStrategyClassNamesWhenConfigured() {
    AvroSerdeConfig config = new AvroSerdeConfig(Map.of(
        "key.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicNameStrategy",
        "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
    assertThat(config.subjectNameStrategy(true)).isInstanceOf(TopicNameStrategy.class);
    assertThat(config.subjectNameStrategy(false)).isInstanceOf(RecordNameStrategy.class);
  }

  @Test
  void shouldNameTheSettingWhenAValueIsInvalid() {
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("value.subject.name.strategy", "com.example.Missing")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy");
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("basic.auth.credentials.source", "SASL_INHERIT")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.credentials.source");
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("max.retries", -1)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max.retries");
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of()).registryUrls())
        .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url is not set");
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("schema.registry.url", "localhost:8081")).registryUrls())
        .isInstanceOf(ConfigException.class).hasMessageContaining("http://");
  }

  @Test
  void shouldDocumentEveryKeyWhenTheDefinitionIsListed() {
    ConfigDef def = AvroSerdeConfig.configDef();
    assertThat(def.names()).contains("schema.registry.url", "auto.register.schemas", "use.latest.version",
        "key.subject.name.strategy", "value.subject.name.strategy", "basic.auth.credentials.source",
        "basic.auth.user.info", "schema.registry.ssl.truststore.location", "schema.registry.ssl.keystore.location",
        "schema.registry.request.timeout.ms", "max.retries", "retries.wait.ms");
    def.configKeys().values().forEach(key -> assertThat(key.documentation).as(key.name).isNotBlank());
    assertThat(def.configKeys().get("auto.register.schemas").documentation).contains("embedded runtime");
  }
}
