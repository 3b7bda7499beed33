package io.codegenstreams.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.RejectionReason;
import io.codegenstreams.schemas.ResultStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionCallTest {
  private static final List<String> MODELS = List.of("java-coder-3m", "java-coder-tiny");

  private static CompletionCall parse(String body) {
    return CompletionCall.parse(body, "id-1", Priority.NORMAL, MODELS, "java-coder-3m");
  }

  private static OpenAiError refused(String body) {
    try {
      parse(body);
    } catch (OpenAiError e) {
      return e;
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void shouldMapOpenAiParametersToTheRequestWhenTheBodyIsValid() {
    CompletionCall call = parse("{\"model\":\"java-coder-tiny\",\"prompt\":[\"int x =\"],\"suffix\":\";\","
        + "\"max_tokens\":7,\"temperature\":0.5,\"top_p\":1,\"stop\":\"\\n\",\"stream\":true,\"seed\":3,"
        + "\"user\":\"u-1\",\"n\":1}");

    assertThat(call.stream()).isTrue();
    assertThat(call.request().getRequestId()).isEqualTo("id-1");
    assertThat(call.request().getModel()).isEqualTo("java-coder-tiny");
    assertThat(call.request().getPrompt()).isEqualTo("int x =");
    assertThat(call.request().getSuffix()).isEqualTo(";");
    assertThat(call.request().getMaxNewTokens()).isEqualTo(7);
    assertThat(call.request().getTemperature()).isEqualTo(0.5f);
    assertThat(call.request().getStop()).containsExactly("\n");
    assertThat(call.request().getSeed()).isEqualTo(3L);
    assertThat(call.request().getStream()).isTrue();
    assertThat(call.request().getMetadata()).containsEntry("user", "u-1");
  }

  @Test
  void shouldUseOpenAisMaxTokensAndGreedyDecodingWhenTheyAreLeftOut() {
    CompletionCall call = parse("{\"prompt\":\"int x =\"}");
    assertThat(call.request().getMaxNewTokens()).isEqualTo(16);
    assertThat(call.request().getTemperature()).isZero();
    assertThat(call.model()).isEqualTo("java-coder-3m");
  }

  @Test
  void shouldRefuseWithA400NamingTheParameterWhenThePipelineCannotHonourIt() {
    assertThat(refused("{\"prompt\":\"x\",\"n\":2}")).satisfies(e -> assertThat(e.body().getJsonObject("error")
        .getString("param")).isEqualTo("n"));
    assertThat(refused("{\"prompt\":\"x\",\"logprobs\":1}").body().getJsonObject("error").getString("param"))
        .isEqualTo("logprobs");
    assertThat(refused("{\"prompt\":\"x\",\"echo\":true}").status()).isEqualTo(400);
    assertThat(refused("{\"prompt\":\"x\",\"top_p\":0.9}").body().getJsonObject("error").getString("param"))
        .isEqualTo("top_p");
    assertThat(refused("{\"prompt\":[\"a\",\"b\"]}").body().getJsonObject("error").getString("param"))
        .isEqualTo("prompt");
    assertThat(refused("{\"prompt\":\"x\",\"max_tokens\":\"many\"}").status()).isEqualTo(400);
    assertThat(refused("{\"prompt\":\"x\",\"temperature\":\"hot\"}").status()).isEqualTo(400);
    assertThat(refused("{\"prompt\":\"x\",\"colour\":1}").body().getJsonObject("error").getString("param"))
        .isEqualTo("colour");
    assertThat(refused("not json").status()).isEqualTo(400);
  }

  @Test
  void shouldAnswer404ModelNotFoundWhenTheModelIsNotDeclared() {
    OpenAiError e = refused("{\"prompt\":\"x\",\"model\":\"gpt-17\"}");
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("model_not_found");
  }

  @Test
  void shouldTakeTheLaneFromXPriorityAndRefuseAnUnknownOne() {
    assertThat(CompletionCall.lane("high", Priority.LOW)).isEqualTo(Priority.HIGH);
    assertThat(CompletionCall.lane(null, Priority.LOW)).isEqualTo(Priority.LOW);
    assertThatThrownBy(() -> CompletionCall.lane("urgent", Priority.LOW)).isInstanceOf(OpenAiError.class);
  }

  @Test
  void shouldMapEachResultStatusToItsHttpErrorWhenTheResultIsNotACompletion() {
    assertThat(error(ResultStatus.REJECTED, RejectionReason.OVERLOADED)).satisfies(e -> {
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfterSeconds()).isEqualTo(1);
    });
    assertThat(error(ResultStatus.REJECTED, RejectionReason.UNKNOWN_MODEL).code()).isEqualTo("model_not_found");
    assertThat(error(ResultStatus.REJECTED, RejectionReason.INVALID).status()).isEqualTo(400);
    assertThat(error(ResultStatus.REJECTED, null).status()).as("a pipeline older than the reason").isEqualTo(400);
    assertThat(error(ResultStatus.TIMEOUT, null).status()).isEqualTo(504);
    assertThat(error(ResultStatus.FAILED, null).status()).isEqualTo(500);
    assertThat(error(ResultStatus.CANCELLED, null).status()).isEqualTo(409);
  }

  private static OpenAiError error(ResultStatus status, RejectionReason reason) {
    return Exchange.error(CodeGenResult.newBuilder().setRequestId("r").setStatus(status).setRejection(reason)
        .setError("why").build());
  }
}
