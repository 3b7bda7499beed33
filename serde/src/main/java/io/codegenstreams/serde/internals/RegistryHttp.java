package io.codegenstreams.serde.internals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP transport of the registry client: JSON in and out with Confluent's media types, basic auth, TLS, timeouts,
 * fail-over across the configured URLs, and retries with exponential back-off on connection errors and 5xx answers.
 * 4xx answers are the caller's fault and are never retried.
 */
public final class RegistryHttp {
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /** Same preference order as Confluent's client. */
  public static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Endpoint> endpoints;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final long retryWaitMs;
  private final long retryMaxWaitMs;

  private record Endpoint(String baseUrl, String authorization) {}

  public RegistryHttp(AvroSerdeConfig config) {
    boolean userInfoSource = "USER_INFO".equals(config.getString(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE));
    String userInfo = config.userInfo();
    if (userInfoSource && (userInfo == null || !userInfo.contains(":"))) {
      throw new org.apache.kafka.common.config.ConfigException(AvroSerdeConfig.USER_INFO
          + " must be user:password when " + AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
    }
    List<Endpoint> list = new ArrayList<>();
    for (String url : config.registryUrls()) {
      URI uri = URI.create(url);
      String fromUrl = uri.getRawUserInfo() == null ? null : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
      String credentials = userInfoSource ? userInfo : fromUrl;
      String base = uri.getRawUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "");
      list.add(new Endpoint(base, credentials == null ? null
          : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))));
    }
    this.endpoints = List.copyOf(list);
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(config.getInt(AvroSerdeConfig.CONNECT_TIMEOUT_MS)))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (endpoints.stream().anyMatch(e -> e.baseUrl().startsWith("https://"))) {
      builder.sslContext(SslContexts.fromConfig(config));
    }
    this.client = builder.build();
    this.requestTimeout = Duration.ofMillis(config.getInt(AvroSerdeConfig.REQUEST_TIMEOUT_MS));
    this.maxRetries = config.getInt(AvroSerdeConfig.MAX_RETRIES);
    this.retryWaitMs = config.getInt(AvroSerdeConfig.RETRIES_WAIT_MS);
    this.retryMaxWaitMs = config.getInt(AvroSerdeConfig.RETRIES_MAX_WAIT_MS);
  }

  /** Percent-encodes one path segment (a subject may contain {@code /}, spaces or non-ASCII characters). */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends one request and returns the parsed JSON answer.
   *
   * @param path the already-encoded path (and query), starting with {@code /}
   * @param body the JSON body, or null for none
   */
  public JsonNode send(String method, String path, Object body) {
    String request = method + " " + path;
    byte[] payload = body == null ? null : toJson(body);
    SchemaRegistryException last = null;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        backOff(attempt, last);
      }
      for (Endpoint endpoint : endpoints) {
        try {
          HttpResponse<String> response = client.send(build(endpoint, method, path, payload),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return parse(request, endpoint.baseUrl(), response.body());
          }
          last = RegistryErrors.fromResponse(request, endpoint.baseUrl(), status, response.body());
          if (!last.retriable()) {
            throw last;
          }
        } catch (IOException e) {
          last = new SchemaRegistryException("Cannot reach schema registry " + endpoint.baseUrl() + " for " + request
              + ": " + e + "; check " + AvroSerdeConfig.SCHEMA_REGISTRY_URL, SchemaRegistryException.NO_RESPONSE,
              SchemaRegistryException.NO_RESPONSE, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SchemaRegistryException("Interrupted during " + request, SchemaRegistryException.NO_RESPONSE,
              SchemaRegistryException.NO_RESPONSE, e);
        }
        log.debug("registry request {} failed at {}: {}", request, endpoint.baseUrl(), last.getMessage());
      }
    }
    throw last;
  }

  private HttpRequest build(Endpoint endpoint, String method, String path, byte[] payload) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + path))
        .timeout(requestTimeout)
        .header("Accept", ACCEPT)
        .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(payload));
    if (payload != null) {
      builder.header("Content-Type", CONTENT_TYPE);
    }
    if (endpoint.authorization() != null) {
      builder.header("Authorization", endpoint.authorization());
    }
    return builder.build();
  }

  private void backOff(int attempt, SchemaRegistryException last) {
    long wait = Math.min(retryMaxWaitMs, retryWaitMs << Math.min(attempt - 1, 20));
    log.info("schema registry request failed ({}); retry {} of {} in {} ms", last.getMessage(), attempt, maxRetries, wait);
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw last;
    }
  }

  private static byte[] toJson(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode request body as JSON", e);
    }
  }

  private static JsonNode parse(String request, String url, String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new SchemaRegistryException("Schema registry " + url + " answered " + request + " with a body that is not "
          + "JSON: " + abbreviate(body), 200, RegistryErrors.UNPARSEABLE_ERROR_BODY, e);
    }
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 200 ? String.valueOf(s) : s.substring(0, 200) + "...";
  }
}
