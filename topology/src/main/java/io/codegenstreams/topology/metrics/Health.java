package io.codegenstreams.topology.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of one health probe: up or down, one sentence saying why, and the facts it was decided from.
 *
 * @param details flat facts (strings, numbers, booleans) rendered into the JSON body, in insertion order
 */
public record Health(boolean up, String reason, Map<String, Object> details) {
  public Health {
    details = new LinkedHashMap<>(details);
  }

  public int httpStatus() {
    return up ? 200 : 503;
  }

  /** A small JSON object: {@code {"status":"UP","reason":"...",...details}}. */
  public String toJson() {
    StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"reason\":");
    quote(json, reason);
    details.forEach((key, value) -> {
      json.append(',');
      quote(json, key);
      json.append(':');
      if (value instanceof Number || value instanceof Boolean) {
        json.append(value);
      } else {
        quote(json, String.valueOf(value));
      }
    });
    return json.append('}').toString();
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
