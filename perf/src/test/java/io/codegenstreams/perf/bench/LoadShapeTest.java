package io.codegenstreams.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadShapeTest {
  private final LoadShape shape = new LoadShape(200, 20, 60, 5);

  @Test
  void shouldRunLongEnoughForTheTargetCountWhenTheRateIsModerate() {
    assertThat(shape.seconds(5)).isEqualTo(40);
  }

  @Test
  void shouldKeepWithinBoundsWhenTheRateIsExtreme() {
    assertThat(shape.seconds(1000)).isEqualTo(20);
    assertThat(shape.seconds(0.1)).isEqualTo(60);
  }

  @Test
  void shouldExtendToTheMinimumArrivalsWhenTheRateIsTiny() {
    assertThat(shape.arrivals(0.01, new Random(1))).hasSize(5).isSorted();
  }

  @Test
  void shouldParseKafkasOwnPerfToolReportsWhenTheyFinish() {
    String producer = "10000 records sent, 5000.0 records/sec (2.38 MB/sec), 3.1 ms avg latency\n"
        + "30000 records sent, 21142.353 records/sec (11.07 MB/sec), 900.12 ms avg latency, 1200 ms max latency.\n";
    assertThat(RawKafka.parseProducer(producer)).isEqualTo(21142.353);
    String consumer = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,"
        + " rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
        + "2026-01-01 00:00:00:000, 2026-01-01 00:00:01:000, 15.7, 15.7, 30000, 30000.0, 200, 400, 39.2, 75000.0\n";
    assertThat(RawKafka.parseConsumer(consumer)).isEqualTo(75000.0);
  }

  @Test
  void shouldCoverEveryPartitionWhenChoosingReadinessIds() {
    java.util.List<String> ids = BenchContext.idsCoveringPartitions("p-");
    assertThat(ids).hasSize(PerfCluster.PARTITIONS).doesNotHaveDuplicates();
    assertThat(ids.stream().map(id -> org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils
        .murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PerfCluster.PARTITIONS).distinct()).hasSize(12);
  }
}
