package io.codegenstreams.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Where the gateway listens and which pipeline it fronts.
 *
 * @param clientProperties Kafka client settings (bootstrap servers, SASL, TLS) for its producer and consumers
 * @param models           the declared model names: {@code GET /v1/models}, and 404 for any other
 * @param apiKeys          a file of API keys ({@link ApiKeys}), or null: then every call is served without a key
 * @param maxWait          longest a call waits for its result before it is answered 504
 * @param pipelineReady    whether the pipeline behind it serves (503 while not); {@code () -> true} when unknown
 */
public record GatewaySettings(String host, int port, String requestsTopic, String resultsTopic, String streamTopic,
                              Map<String, Object> clientProperties, String schemaRegistryUrl, List<String> models,
                              String defaultModel, Path apiKeys, Duration maxWait, BooleanSupplier pipelineReady) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8000;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
}
