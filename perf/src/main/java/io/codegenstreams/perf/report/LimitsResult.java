package io.codegenstreams.perf.report;

import io.codegenstreams.perf.load.PointResult;

/**
 * The Kafka limits measured on the same broker.
 *
 * @param recordBytes       size of the records used (the mean serialized request)
 * @param rawProducerRps    Kafka's ProducerPerformance, acks=all, records per second
 * @param rawConsumerRps    Kafka's ConsumerPerformance, records per second (fetch rate)
 * @param zeroCostQps       the pipeline in front of the zero-cost engine, flooded: answers per second
 * @param zeroCost          that run's details
 */
public record LimitsResult(int recordBytes, double rawProducerRps, double rawConsumerRps, double zeroCostQps,
                           PointResult zeroCost) {

  /** The raw limit a request/response pipeline faces: the slower of producing and consuming. */
  public double rawRps() {
    return Math.min(rawProducerRps, rawConsumerRps);
  }

  public double kafkaShare() {
    return rawRps() > 0 ? zeroCostQps / rawRps() : Double.NaN;
  }
}
