package io.codegenstreams.gateway;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.FinishReason;
import io.codegenstreams.schemas.RejectionReason;
import io.codegenstreams.schemas.ResultStatus;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One HTTP call from request to response, on its Vert.x context: the request is produced, the call waits for its
 * result (and, streaming, its chunks), and a caller that disconnects first cancels it through the requests topic.
 * Records arrive on the readers' threads and are handed to the call's context, so its state needs no locks.
 */
final class Exchange {
  private final CompletionGateway gateway;
  private final RoutingContext ctx;
  private final Context context;
  private final CompletionCall call;
  private final String id;
  private final long created = System.currentTimeMillis() / 1000;
  private final Consumer<CodeGenResult> onResult = r -> context().runOnContext(v -> result(r));
  private final Consumer<CodeGenChunk> onChunk = c -> context().runOnContext(v -> chunk(c));
  /** Streaming: chunks that came before their predecessors, by sequence number. */
  private final TreeMap<Integer, CodeGenChunk> early = new TreeMap<>();
  private final StringBuilder streamed = new StringBuilder();
  private int nextChunk;
  private boolean headersSent;
  private boolean done;
  private long timer = -1;

  Exchange(CompletionGateway gateway, RoutingContext ctx, CompletionCall call) {
    this.gateway = gateway;
    this.ctx = ctx;
    this.context = ctx.vertx().getOrCreateContext();
    this.call = call;
    this.id = call.request().getRequestId();
  }

  private Context context() {
    return context;
  }

  void start() {
    HttpServerResponse response = ctx.response();
    response.putHeader("X-Request-Id", id);
    response.closeHandler(v -> {
      if (!done) {
        finish();
        cancel(); // the caller went away: nobody wants the completion any more
      }
    });
    gateway.results().register(id, onResult);
    if (call.stream()) {
      gateway.chunks().register(id, onChunk);
    }
    timer = ctx.vertx().setTimer(gateway.settings().maxWait().toMillis(), t -> {
      if (!done) {
        fail(new OpenAiError(504, "timeout", "no result within " + gateway.settings().maxWait()
            + " (the gateway's --max-wait); the request was cancelled", null, "timeout"));
        cancel();
      }
    });
    gateway.producer().send(new ProducerRecord<>(gateway.settings().requestsTopic(), id, call.request()),
        (metadata, error) -> {
          if (error != null) {
            context.runOnContext(v -> fail(new OpenAiError(503, "server_error", "the request could not be written"
                + " to " + gateway.settings().requestsTopic() + ": " + error.getMessage(), null, "kafka_unavailable",
                1)));
          }
        });
  }

  private void chunk(CodeGenChunk c) {
    if (done || c.getSequence() < nextChunk) {
      return; // a repeat (chunks are written at least once)
    }
    early.put(c.getSequence(), c);
    for (CodeGenChunk next; (next = early.remove(nextChunk)) != null; nextChunk++) {
      if (!next.getText().isEmpty()) {
        streamed.append(next.getText());
        event(next.getText(), null);
      }
    }
  }

  private void result(CodeGenResult r) {
    if (done) {
      return;
    }
    if (r.getStatus() == ResultStatus.OK || (r.getStatus() == ResultStatus.CANCELLED && headersSent)) {
      String text = r.getCompletion() == null ? "" : r.getCompletion();
      String reason = r.getStatus() == ResultStatus.CANCELLED ? "cancelled"
          : r.getFinishReason() == FinishReason.LENGTH ? "length" : "stop";
      if (call.stream()) {
        // the result is the truth: whatever the chunks did not carry (or all of it, for a repeated call) comes now
        String rest = text.startsWith(streamed.toString()) ? text.substring(streamed.length()) : "";
        event(rest, reason);
        ctx.response().write("data: [DONE]\n\n");
        finish();
        ctx.response().end();
      } else {
        finish();
        CompletionGateway.json(ctx, 200, new JsonObject().put("id", id).put("object", "text_completion")
            .put("created", created).put("model", r.getModel())
            .put("choices", new JsonArray().add(choice(text, reason)))
            .put("usage", new JsonObject().put("prompt_tokens", r.getPromptTokens())
                .put("completion_tokens", r.getCompletionTokens())
                .put("total_tokens", r.getPromptTokens() + r.getCompletionTokens())));
      }
      return;
    }
    fail(error(r));
  }

  /** The OpenAI error for a result that is not a completion. */
  static OpenAiError error(CodeGenResult r) {
    String message = r.getError() == null ? r.getStatus().name() : r.getError();
    return switch (r.getStatus()) {
      case REJECTED -> {
        RejectionReason why = r.getRejection() == null ? RejectionReason.INVALID : r.getRejection();
        yield switch (why) {
          case OVERLOADED -> new OpenAiError(429, "server_overloaded", message, null, "overloaded", 1);
          case UNKNOWN_MODEL -> new OpenAiError(404, "invalid_request_error", message, "model", "model_not_found");
          case UNSUPPORTED -> new OpenAiError(400, "invalid_request_error", message, "suffix", "unsupported");
          case INVALID -> new OpenAiError(400, "invalid_request_error", message, null, "invalid_request");
        };
      }
      case TIMEOUT -> new OpenAiError(504, "timeout", message, null, "timeout");
      case CANCELLED -> new OpenAiError(409, "invalid_request_error", "the request was cancelled: " + message, null,
          "cancelled");
      default -> new OpenAiError(500, "server_error", message, null, r.getStatus().name().toLowerCase(Locale.ROOT));
    };
  }

  private JsonObject choice(String text, String finishReason) {
    return new JsonObject().put("text", text).put("index", 0).putNull("logprobs").put("finish_reason", finishReason);
  }

  private void event(String text, String finishReason) {
    HttpServerResponse response = ctx.response();
    if (!headersSent) {
      headersSent = true;
      response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
    }
    JsonObject event = new JsonObject().put("id", id).put("object", "text_completion").put("created", created)
        .put("model", call.model()).put("choices", new JsonArray().add(choice(text, finishReason)));
    response.write("data: " + event.encode() + "\n\n");
  }

  private void fail(OpenAiError e) {
    if (done) {
      return;
    }
    finish();
    if (!headersSent) {
      CompletionGateway.send(ctx, e);
      return;
    }
    // a stream already under way: the error is its last event (as OpenAI's streams report one)
    ctx.response().write("data: " + e.body().encode() + "\n\n");
    ctx.response().end();
  }

  private void finish() {
    done = true;
    if (timer >= 0) {
      ctx.vertx().cancelTimer(timer);
    }
    gateway.results().unregister(id, onResult);
    if (call.stream()) {
      gateway.chunks().unregister(id, onChunk);
    }
  }

  private void cancel() {
    gateway.producer().send(new ProducerRecord<>(gateway.settings().requestsTopic(), id, null));
  }
}
