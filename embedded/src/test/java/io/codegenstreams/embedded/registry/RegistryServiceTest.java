package io.codegenstreams.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.embedded.registry.RegistryService.SchemaRequest;
import io.codegenstreams.serde.CompatibilityLevel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryServiceTest {
  private static final String V1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
  private static final String V2_OPTIONAL_FIELD = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
      + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
  private static final String V3_REQUIRED_FIELD = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
      + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"c\",\"type\":\"int\"}]}";
  private static final String V_WITHOUT_A = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
      + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";

  private final List<byte[][]> written = new ArrayList<>();
  private final RegistryService service = new RegistryService(new RegistryState(), (k, v) -> written.add(new byte[][] {k, v}));

  private static SchemaRequest avro(String schema) {
    return new SchemaRequest(schema, null, false);
  }

  @Test
  void shouldReturnTheSameIdWhenTheSameSchemaIsRegisteredAgainOrUnderAnotherSubject() {
    int id = service.register("s-value", avro(V1));
    String reformatted = V1.replace(",", " , ").replace(":", " : ");
    assertThat(service.register("s-value", avro(reformatted))).isEqualTo(id);
    assertThat(service.register("other-value", avro(V1))).isEqualTo(id);
    assertThat(service.versions("s-value")).containsExactly(1);
    assertThat(service.versions("other-value")).containsExactly(1);
    assertThat(written).as("the repeat registration writes nothing").hasSize(2);
  }

  @Test
  void shouldAssignNewIdAndVersionWhenACompatibleSchemaIsRegistered() {
    int first = service.register("s", avro(V1));
    int second = service.register("s", avro(V2_OPTIONAL_FIELD));
    assertThat(second).isEqualTo(first + 1);
    assertThat(service.version("s", "latest").version()).isEqualTo(2);
    assertThat(service.version("s", "1").id()).isEqualTo(first);
    assertThat(service.lookup("s", avro(V1)).version()).isEqualTo(1);
  }

  @Test
  void shouldRefuseWith409WhenANewRequiredFieldBreaksBackwardCompatibility() {
    service.register("s", avro(V1));
    assertThatThrownBy(() -> service.register("s", avro(V3_REQUIRED_FIELD)))
        .isInstanceOfSatisfying(RestError.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.errorCode()).isEqualTo(40901);
          assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("\"s\"");
        });
    assertThat(service.compatibility("s", "latest", avro(V3_REQUIRED_FIELD)).compatible()).isFalse();
    assertThat(service.compatibility("s", "latest", avro(V2_OPTIONAL_FIELD)).compatible()).isTrue();
  }

  @Test
  void shouldCheckEveryEarlierVersionWhenTheRuleIsTransitive() {
    service.setLevel("s", "none");
    service.register("s", avro(V1));
    service.register("s", avro(V_WITHOUT_A));
    service.setLevel("s", "FORWARD");
    // Forward against the latest only: readers of V_WITHOUT_A ignore 'a'. Transitive also needs V1's readers to
    // find 'a', which this schema lacks.
    String withoutA = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"int\"}]}";
    assertThat(service.compatibility("s", "latest", avro(withoutA)).compatible()).isTrue();
    service.setLevel("s", "FORWARD_TRANSITIVE");
    assertThat(service.compatibility("s", "latest", avro(withoutA)).compatible()).isFalse();
    assertThat(service.subjectLevel("s", false)).isEqualTo(CompatibilityLevel.FORWARD_TRANSITIVE);
  }

  @Test
  void shouldRebuildTheSameStateWhenTheWrittenRecordsAreReplayed() {
    service.register("a", avro(V1));
    service.register("a", avro(V2_OPTIONAL_FIELD));
    service.register("b", avro(V2_OPTIONAL_FIELD));
    service.setLevel(null, "FULL");
    RegistryState replayed = new RegistryState();
    for (byte[][] record : written) {
      StoreRecords.decode(record[0], record[1]).ifPresent(replayed::apply);
    }
    RegistryService restored = new RegistryService(replayed, (k, v) -> { });
    assertThat(restored.subjects()).containsExactly("a", "b");
    assertThat(restored.version("b", "1").id()).isEqualTo(service.version("a", "2").id());
    assertThat(restored.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(restored.register("c", avro("\"string\""))).isEqualTo(3);
    assertThat(new String(written.get(0)[0], StandardCharsets.UTF_8))
        .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"a\",\"version\":1,\"magic\":1}");
  }

  @Test
  void shouldUseConfluentErrorCodesWhenInputIsInvalid() {
    assertThatThrownBy(() -> service.register("s", avro("{\"type\":\"record\"}")))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    assertThatThrownBy(() -> service.register("s", new SchemaRequest("syntax = \"proto3\";", "PROTOBUF", false)))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.getMessage()).contains("AVRO schemas only"));
    assertThatThrownBy(() -> service.version("s", "0"))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(42202));
    assertThatThrownBy(() -> service.version("nope", "1"))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    service.register("s", avro(V1));
    assertThatThrownBy(() -> service.version("s", "7"))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
    assertThatThrownBy(() -> service.lookup("s", avro(V2_OPTIONAL_FIELD)))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> service.schemaById(99))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> service.setLevel("s", "SIDEWAYS"))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(42203));
    assertThatThrownBy(() -> service.subjectLevel("s", false))
        .isInstanceOfSatisfying(RestError.class, e -> assertThat(e.errorCode()).isEqualTo(40408));
    assertThat(service.subjectLevel("s", true)).isEqualTo(CompatibilityLevel.BACKWARD);
  }
}
