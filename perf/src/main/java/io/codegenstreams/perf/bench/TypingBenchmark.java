package io.codegenstreams.perf.bench;

import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.perf.workload.Prompts;
import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.CodegenTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The editor workload: simulated editors type, and each keystroke may make the request in flight stale. An editor
 * sends a streaming request; with probability {@link Settings#supersedeProbability} the next keystroke comes
 * 50-300 ms later and sends a new request that replaces it (with cancellation on, the new request names the old
 * one in {@code supersedes}; off, the old one runs on for nobody). Otherwise the editor waits for the result, which
 * was wanted, and thinks 200-800 ms before typing again.
 *
 * <p>Reported per engine and mode: goodput (wanted requests answered OK per second), the decode time spent on
 * abandoned requests (the sum of their inference times: a request's inference time is the time it held a batch
 * slot), the wanted requests' latency, and time to first token (send to first chunk read) per lane. Cancellation
 * on and off run on the same engine, one after the other, with the same seed.
 */
public final class TypingBenchmark {

  /** @param editors editors typing at once; lanes are given round robin (HIGH, NORMAL, LOW) */
  public record Settings(int editors, Duration duration, double supersedeProbability, int maxNewTokens, int promptBytes,
                  long seed) {}

  /** One mode's figures. */
  public record ModeResult(String engine, boolean cancellation, double seconds, int sent, int abandoned, int wanted,
                    int wantedOk, double goodputPerSecond, double abandonedSlotSeconds, double wantedSlotSeconds,
                    double wantedP50Ms, double wantedP99Ms, Map<Priority, double[]> ttftP50P99Ms, int cancelled,
                    int missing) {}

  private record Sent(String id, Priority lane, long sentNanos, boolean[] abandoned) {}

  private record Seen(CodeGenResult result, long readNanos) {}

  private final PerfCluster cluster;
  private final Progress progress;
  private final Settings settings;

  private TypingBenchmark(PerfCluster cluster, Progress progress, Settings settings) {
    this.cluster = cluster;
    this.progress = progress;
    this.settings = settings;
  }

  /**
   * Runs the workload on each engine ({@code simulated-gpu}, {@code cpu-onnx}) with cancellation off then on, on a
   * private broker, and writes {@code typing.md} and {@code typing.json} into {@code out}.
   */
  public static List<ModeResult> run(List<String> engines, Settings settings, java.nio.file.Path out,
                                     Progress progress, String command) throws java.io.IOException {
    java.nio.file.Files.createDirectories(out);
    List<ModeResult> all = new ArrayList<>();
    progress.say("perf --typing: starting a private Kafka broker and schema registry");
    try (PerfCluster cluster = PerfCluster.start()) {
      TypingBenchmark bench = new TypingBenchmark(cluster, progress, settings);
      for (String engine : engines) {
        EngineUnderTest eut = EngineUnderTest.byLabel(engine);
        all.addAll(bench.run(eut));
        TypingReport.write(all, settings, command, out);
      }
    }
    return all;
  }

  private List<ModeResult> run(EngineUnderTest eut) {
    List<ModeResult> out = new ArrayList<>();
    for (boolean cancellation : new boolean[] {false, true}) {
      InferenceEngine engine = eut.start(ServingConfig.DYNAMIC.engineSettings(Map.of()));
      CodegenPipeline pipeline = null;
      try {
        engine.whenReady().get(5, TimeUnit.MINUTES);
        pipeline = PipelineHarness.start(cluster, engine, eut);
        progress.say("typing on %s, cancellation %s: %d editors for %ds", eut.label(), cancellation ? "on" : "off",
            settings.editors(), settings.duration().toSeconds());
        ModeResult r = runMode(eut.label(), cancellation);
        progress.say("typing on %s, cancellation %s: goodput %.2f/s, abandoned slot time %.1f s, TTFT %s",
            eut.label(), cancellation ? "on" : "off", r.goodputPerSecond(), r.abandonedSlotSeconds(),
            describe(r.ttftP50P99Ms()));
        out.add(r);
      } catch (Exception e) {
        throw new IllegalStateException("typing benchmark on " + eut.label() + " failed: " + e, e);
      } finally {
        if (pipeline != null) {
          PipelineHarness.stop(pipeline);
        }
        engine.close();
      }
    }
    return out;
  }

  static String describe(Map<Priority, double[]> ttft) {
    StringBuilder b = new StringBuilder();
    ttft.forEach((lane, p) -> b.append(String.format(java.util.Locale.ROOT, "%s P50 %.0f / P99 %.0f ms; ", lane, p[0],
        p[1])));
    return b.toString();
  }

  private ModeResult runMode(String engine, boolean cancellation) throws Exception {
    String run = engine + (cancellation ? "-on-" : "-off-") + System.nanoTime() + "-";
    Map<String, Seen> results = new ConcurrentHashMap<>();
    Map<String, Long> firstChunk = new ConcurrentHashMap<>();
    List<Sent> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean reading = new AtomicBoolean(true);
    Thread resultReader = reader(CodegenTopics.RESULTS, CodeGenResult.class, run, reading,
        (id, r, at) -> results.putIfAbsent(id, new Seen(r, at)));
    Thread chunkReader = reader(CodegenTopics.STREAM, CodeGenChunk.class, run, reading,
        (id, c, at) -> firstChunk.putIfAbsent(id, at));
    long start = System.nanoTime();
    long end = start + settings.duration().toNanos();
    try (KafkaProducer<String, CodeGenRequest> producer = producer()) {
      List<Thread> editors = new ArrayList<>();
      for (int e = 0; e < settings.editors(); e++) {
        int editor = e;
        Thread t = new Thread(() -> type(editor, run, cancellation, end, producer, results, sent), "editor-" + e);
        t.setDaemon(true);
        t.start();
        editors.add(t);
      }
      for (Thread t : editors) {
        t.join();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // abandoned requests keep running without cancellation: wait for their results too (their slot time counts)
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (results.size() < sent.size() && System.nanoTime() < drainEnd) {
      Thread.sleep(100);
    }
    reading.set(false);
    resultReader.join();
    chunkReader.join();
    return summarize(engine, cancellation, seconds, sent, results, firstChunk);
  }

  private void type(int editor, String run, boolean cancellation, long end, KafkaProducer<String, CodeGenRequest> producer,
                    Map<String, Seen> results, List<Sent> sent) {
    Random random = new Random(settings.seed() * 31 + editor);
    Priority lane = Priority.values()[editor % 3];
    String previous = null;
    for (int k = 0; System.nanoTime() < end; k++) {
      String id = run + editor + "-" + k;
      CodeGenRequest request = CodeGenRequest.newBuilder().setRequestId(id)
          .setPrompt(Prompts.ofLength(settings.promptBytes() + random.nextInt(16))).setPriority(lane)
          .setMaxNewTokens(settings.maxNewTokens()).setStop(List.of()).setStream(true).setCreatedAt(Instant.now())
          .setSupersedes(cancellation && previous != null ? List.of(previous) : List.of()).build();
      boolean[] abandoned = {false};
      sent.add(new Sent(id, lane, System.nanoTime(), abandoned));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, request));
      if (random.nextDouble() < settings.supersedeProbability()) {
        abandoned[0] = true; // the next keystroke makes it stale
        previous = id;
        sleepMillis(50 + random.nextInt(251));
        continue;
      }
      previous = null;
      long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!results.containsKey(id) && System.nanoTime() < waitEnd) {
        sleepMillis(2);
      }
      sleepMillis(200 + random.nextInt(601)); // reads the completion, thinks
    }
  }

  private ModeResult summarize(String engine, boolean cancellation, double seconds, List<Sent> sent,
                               Map<String, Seen> results, Map<String, Long> firstChunk) {
    int abandoned = 0;
    int wanted = 0;
    int wantedOk = 0;
    int cancelled = 0;
    int missing = 0;
    double abandonedSlot = 0;
    double wantedSlot = 0;
    Histogram wantedLatency = new Histogram(3_600_000_000L, 3);
    Map<Priority, Histogram> ttft = new EnumMap<>(Priority.class);
    for (Sent s : sent) {
      Seen seen = results.get(s.id());
      if (seen == null) {
        missing++;
        continue;
      }
      CodeGenResult r = seen.result();
      cancelled += r.getStatus() == ResultStatus.CANCELLED ? 1 : 0;
      if (s.abandoned()[0]) {
        abandoned++;
        abandonedSlot += r.getInferenceTimeMs() / 1000.0;
        continue;
      }
      wanted++;
      wantedSlot += r.getInferenceTimeMs() / 1000.0;
      if (r.getStatus() == ResultStatus.OK) {
        wantedOk++;
        wantedLatency.recordValue(Math.max(1, (seen.readNanos() - s.sentNanos()) / 1000));
      }
      Long chunk = firstChunk.get(s.id());
      if (chunk != null) {
        ttft.computeIfAbsent(s.lane(), l -> new Histogram(3_600_000_000L, 3))
            .recordValue(Math.max(1, (chunk - s.sentNanos()) / 1000));
      }
    }
    Map<Priority, double[]> ttftMs = new EnumMap<>(Priority.class);
    ttft.forEach((lane, h) -> ttftMs.put(lane, new double[] {h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0}));
    return new ModeResult(engine, cancellation, seconds, sent.size(), abandoned, wanted, wantedOk, wantedOk / seconds,
        abandonedSlot, wantedSlot, wantedLatency.getValueAtPercentile(50) / 1000.0,
        wantedLatency.getValueAtPercentile(99) / 1000.0, ttftMs, cancelled, missing);
  }

  private interface Sink<V> {
    void accept(String id, V value, long readNanos);
  }

  /** Reads every partition of {@code topic} from its end, on a thread of its own, until {@code reading} is false. */
  private <V extends org.apache.avro.specific.SpecificRecord> Thread reader(String topic, Class<V> type, String prefix,
                                                                           AtomicBoolean reading, Sink<V> sink) {
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SpecificAvroDeserializer<V> values = new SpecificAvroDeserializer<>(type);
    values.configure(serdeConfig(), false);
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    Thread t = new Thread(() -> {
      try (consumer) {
        while (reading.get()) {
          for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(20))) {
            if (record.key() != null && record.key().startsWith(prefix) && record.value() != null) {
              sink.accept(record.key(), record.value(), System.nanoTime());
            }
          }
        }
      }
    }, "typing-reader-" + topic);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private KafkaProducer<String, CodeGenRequest> producer() {
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaProducer<>(props, new StringSerializer(), values);
  }

  private Map<String, Object> serdeConfig() {
    Map<String, Object> m = new HashMap<>(cluster.clientProperties());
    m.put("schema.registry.url", cluster.registryUrl());
    return m;
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
