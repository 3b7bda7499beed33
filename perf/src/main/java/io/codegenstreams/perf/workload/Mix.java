package io.codegenstreams.perf.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A discrete weighted distribution, written {@code value:weight,value:weight} (weights need not sum to 1), e.g.
 * {@code 60:1,100:2,140:1} for output lengths averaging 100.
 */
public final class Mix<T> {
  private final List<T> values;
  private final double[] cumulative;

  private Mix(List<T> values, List<Double> weights) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a mix needs at least one value");
    }
    this.values = List.copyOf(values);
    this.cumulative = new double[weights.size()];
    double total = 0;
    for (int i = 0; i < weights.size(); i++) {
      if (!(weights.get(i) >= 0)) {
        throw new IllegalArgumentException("weights must be >= 0, got " + weights.get(i));
      }
      total += weights.get(i);
      cumulative[i] = total;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("a mix needs a positive total weight");
    }
    for (int i = 0; i < cumulative.length; i++) {
      cumulative[i] /= total;
    }
  }

  public static <T> Mix<T> parse(String text, Function<String, T> parser) {
    List<T> values = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.lastIndexOf(':');
      values.add(parser.apply(colon < 0 ? p : p.substring(0, colon).trim()));
      weights.add(colon < 0 ? 1.0 : Double.parseDouble(p.substring(colon + 1).trim()));
    }
    return new Mix<>(values, weights);
  }

  public static Mix<Integer> ofInts(String text) {
    return parse(text, Integer::parseInt);
  }

  public static <T> Mix<T> only(T value) {
    return new Mix<>(List.of(value), List.of(1.0));
  }

  public T sample(Random random) {
    double u = random.nextDouble();
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return values.get(i);
      }
    }
    return values.get(values.size() - 1);
  }

  public List<T> values() {
    return values;
  }

  public double probability(int index) {
    return cumulative[index] - (index == 0 ? 0 : cumulative[index - 1]);
  }

  /** The weighted mean, for numeric mixes. */
  public double mean(java.util.function.ToDoubleFunction<T> asNumber) {
    double mean = 0;
    for (int i = 0; i < values.size(); i++) {
      mean += probability(i) * asNumber.applyAsDouble(values.get(i));
    }
    return mean;
  }

  /** The same weights over transformed values (e.g. prompt lengths clamped to a model's context). */
  public <R> Mix<R> map(Function<T, R> f) {
    List<R> mapped = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      mapped.add(f.apply(values.get(i)));
      weights.add(probability(i));
    }
    return new Mix<>(mapped, weights);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ",").append(values.get(i)).append(':').append(String.format("%.2f", probability(i)));
    }
    return b.toString();
  }
}
