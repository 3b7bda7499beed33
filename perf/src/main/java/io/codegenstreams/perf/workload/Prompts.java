package io.codegenstreams.perf.workload;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Java-looking prompts of an exact UTF-8 length (ASCII only, so bytes = characters = tokens). */
public final class Prompts {
  private static final String SOURCE = "public final class OrderService {\n"
      + "  private final Map<String, Order> orders = new HashMap<>();\n"
      + "  public Optional<Order> find(String id) { return Optional.ofNullable(orders.get(id)); }\n"
      + "  public int count() { return orders.size(); }\n"
      + "  public void add(Order order) { orders.put(order.id(), order); }\n"
      + "  public List<Order> open() {\n    return orders.values().stream().filter(Order::isOpen).toList();\n  }\n";
  private static final Map<Integer, String> CACHE = new ConcurrentHashMap<>();

  private Prompts() {}

  public static String ofLength(int bytes) {
    return CACHE.computeIfAbsent(bytes, n -> {
      StringBuilder b = new StringBuilder(n);
      while (b.length() < n) {
        b.append(SOURCE, 0, Math.min(SOURCE.length(), n - b.length()));
      }
      return b.toString();
    });
  }
}
