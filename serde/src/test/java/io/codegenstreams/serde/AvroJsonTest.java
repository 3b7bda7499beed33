package io.codegenstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

  @Test
  void shouldWriteLogicalTypesAsTheirWireValuesWhenTheRecordIsAGeneratedClass() {
    CodeGenResult result = CodeGenResult.newBuilder().setRequestId("r1").setStatus(ResultStatus.OK)
        .setCompletion(" return a;").setCompletedAt(Instant.ofEpochMilli(1_700_000_000_123L)).build();

    String json = AvroJson.toJson(result);

    assertThat(json).contains("\"request_id\":\"r1\"")
        .contains("\"completion\":{\"string\":\" return a;\"}")
        .contains("\"completed_at\":1700000000123");
  }
}
