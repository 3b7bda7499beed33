package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends requests (and cancels) keyed by their request id and waits for the broker's acknowledgement. */
final class RequestProducer implements AutoCloseable {
  private final KafkaProducer<String, CodeGenRequest> producer;

  private RequestProducer(KafkaProducer<String, CodeGenRequest> producer) {
    this.producer = producer;
  }

  static RequestProducer open(ConnectionOptions connection) {
    return new RequestProducer(ClientFactory.requestProducer(connection));
  }

  void send(String topic, CodeGenRequest request) throws InterruptedException, ExecutionException, TimeoutException {
    producer.send(new ProducerRecord<>(topic, request.getRequestId(), request)).get(30, TimeUnit.SECONDS);
  }

  /** Sends a cancel of {@code requestId}: a tombstone keyed by the id, so it reaches the task that owns the id. */
  void cancel(String topic, String requestId) throws InterruptedException, ExecutionException, TimeoutException {
    producer.send(new ProducerRecord<>(topic, requestId, null)).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    producer.close();
  }
}
