package io.codegenstreams.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.codegenstreams.embedded.registry.RegistryService.CompatibilityResult;
import io.codegenstreams.embedded.registry.RegistryService.SchemaRequest;
import io.codegenstreams.embedded.registry.StoreRecords.SchemaEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry's REST subset over the JDK HTTP server: routing, media types, JSON bodies and error
 * answers. Every failure becomes an error answer, so one bad request never stops the server.
 */
final class RegistryHttpHandler implements HttpHandler {
  static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Set<String> ACCEPTED_REQUEST_TYPES = Set.of(V1_JSON, "application/vnd.schemaregistry+json",
      "application/json", "application/octet-stream");
  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final RegistryService service;

  RegistryHttpHandler(RegistryService service) {
    this.service = service;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String responseType = responseType(exchange.getRequestHeaders().getFirst("Accept"));
    int status = 200;
    Object body;
    try {
      body = route(exchange);
    } catch (RestError e) {
      status = e.status();
      body = error(e.errorCode(), e.getMessage());
      if (e.status() >= 500) {
        log.warn("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.getMessage(), e.getCause());
      }
    } catch (RuntimeException e) {
      log.error("{} {} failed unexpectedly", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      status = 500;
      body = error(500, "Internal Server Error: " + e);
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", responseType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Object route(HttpExchange exchange) {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int size = path.size();
    String head = size == 0 ? "" : path.get(0);
    switch (head) {
      case "":
        allow(method, "GET");
        return JSON.createObjectNode();
      case "subjects":
        return subjects(exchange, method, path);
      case "schemas":
        if (size == 3 && path.get(1).equals("ids")) {
          allow(method, "GET");
          return JSON.createObjectNode().put("schema", service.schemaById(parseId(path.get(2))));
        }
        if (size == 2 && path.get(1).equals("types")) {
          allow(method, "GET");
          return List.of("AVRO");
        }
        break;
      case "compatibility":
        if ((size == 4 || size == 5) && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
          allow(method, "POST");
          CompatibilityResult result = service.compatibility(path.get(2), size == 5 ? path.get(4) : null,
              schemaRequest(exchange));
          ObjectNode answer = JSON.createObjectNode().put("is_compatible", result.compatible());
          if (Boolean.parseBoolean(query.get("verbose"))) {
            answer.set("messages", JSON.valueToTree(result.messages()));
          }
          return answer;
        }
        break;
      case "config":
        if (size == 1 || size == 2) {
          String subject = size == 2 ? path.get(1) : null;
          allow(method, "GET", "PUT");
          if (method.equals("PUT")) {
            JsonNode request = jsonBody(exchange);
            String level = request.path("compatibility").isTextual() ? request.path("compatibility").asText() : null;
            return JSON.createObjectNode().put("compatibility", service.setLevel(subject, level).name());
          }
          return JSON.createObjectNode().put("compatibilityLevel", subject == null ? service.globalLevel().name()
              : service.subjectLevel(subject, Boolean.parseBoolean(query.get("defaultToGlobal"))).name());
        }
        break;
      default:
        break;
    }
    throw RestError.http(404, "Not Found");
  }

  private Object subjects(HttpExchange exchange, String method, List<String> path) {
    int size = path.size();
    if (size == 1) {
      allow(method, "GET");
      return service.subjects();
    }
    String subject = path.get(1);
    if (size == 2) {
      allow(method, "POST");
      return schemaJson(service.lookup(subject, schemaRequest(exchange)));
    }
    if (!path.get(2).equals("versions")) {
      throw RestError.http(404, "Not Found");
    }
    if (size == 3) {
      allow(method, "GET", "POST");
      if (method.equals("POST")) {
        return JSON.createObjectNode().put("id", service.register(subject, schemaRequest(exchange)));
      }
      return service.versions(subject);
    }
    if (size == 4) {
      allow(method, "GET");
      return schemaJson(service.version(subject, path.get(3)));
    }
    if (size == 5 && path.get(4).equals("schema")) {
      allow(method, "GET");
      return readTree(service.version(subject, path.get(3)).schema());
    }
    throw RestError.http(404, "Not Found");
  }

  private static ObjectNode schemaJson(SchemaEntry entry) {
    return JSON.createObjectNode().put("subject", entry.subject()).put("version", entry.version())
        .put("id", entry.id()).put("schema", entry.schema());
  }

  private static SchemaRequest schemaRequest(HttpExchange exchange) {
    JsonNode body = jsonBody(exchange);
    JsonNode schema = body.get("schema");
    if (schema != null && (schema.isContainerNode())) {
      throw RestError.badRequest("Cannot deserialize value of type `java.lang.String` from "
          + (schema.isArray() ? "Array" : "Object") + " value (field \"schema\")");
    }
    JsonNode type = body.get("schemaType");
    JsonNode references = body.get("references");
    return new SchemaRequest(schema == null || schema.isNull() ? null : schema.asText(),
        type == null || type.isNull() ? null : type.asText(),
        references != null && references.isArray() && references.size() > 0);
  }

  /** The request body as a JSON object; {@code {}} when empty. */
  private static JsonNode jsonBody(HttpExchange exchange) {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && !contentType.isBlank()
        && !ACCEPTED_REQUEST_TYPES.contains(contentType.split(";")[0].trim().toLowerCase(Locale.ROOT))) {
      throw RestError.http(415, "Unsupported Media Type");
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw RestError.badRequest("Cannot read the request body: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw RestError.http(413, "Request Entity Too Large");
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode node = readTree(new String(bytes, StandardCharsets.UTF_8));
    if (!node.isObject()) {
      throw RestError.badRequest("Cannot deserialize value of type request object from " + node.getNodeType()
          + " value: the body must be a JSON object");
    }
    return node;
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw RestError.badRequest(e.getOriginalMessage());
    }
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw RestError.http(404, "Not Found");
    }
  }

  private static void allow(String method, String... allowed) {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return;
      }
    }
    throw RestError.http(405, "Method Not Allowed");
  }

  /** Confluent's content negotiation: its v1 type unless the client asks only for plain JSON. */
  private static String responseType(String accept) {
    if (accept == null || accept.contains(V1_JSON) || accept.contains("*/*")) {
      return V1_JSON;
    }
    if (accept.contains("application/vnd.schemaregistry+json")) {
      return "application/vnd.schemaregistry+json";
    }
    return accept.contains("application/json") ? "application/json" : V1_JSON;
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(decode(raw));
      }
    }
    return segments;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return params;
  }

  /** Percent-decoding of a path segment; unlike form decoding, {@code +} stays a plus sign. */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw RestError.http(400, "Bad Request");
    }
  }

  private static ObjectNode error(int code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }
}
