package io.codegenstreams.inference;

import io.codegenstreams.inference.internals.config.ConfigDef;
import io.codegenstreams.inference.internals.config.ConfigDef.Type;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.codegenstreams.inference.internals.config.ConfigDef.atLeast;
import static io.codegenstreams.inference.internals.config.ConfigDef.between;
import static io.codegenstreams.inference.internals.config.ConfigDef.nonEmptyString;
import static io.codegenstreams.inference.internals.config.ConfigDef.oneOf;
import static io.codegenstreams.inference.internals.config.ConfigDef.positiveIntList;

/**
 * Engine configuration in the style of Kafka's {@code AbstractConfig}: every key is a public constant with a doc
 * string, a type, a default and a validator; {@code new EngineConfig(Map)} parses strings or typed values and
 * fails with a {@link ConfigException} naming the key. Models are declared in {@code models}; each may have
 * {@code model.<name>.location}, {@code model.<name>.engine}, {@code model.<name>.memory.bytes},
 * {@code model.<name>.related} and {@code model.<name>.fim.template}.
 */
public final class EngineConfig {

    public static final String ENGINE = "engine";
    public static final String ENGINE_FALLBACK = "engine.fallback";
    public static final String MODELS = "models";
    public static final String DEFAULT_MODEL = "default.model";
    public static final String PRELOAD_MODELS = "preload.models";
    public static final String PRELOAD_RELATED = "preload.related";
    public static final String BATCHING_MODE = "batching.mode";
    public static final String BATCH_MAX_SIZE = "batch.max.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String BATCHING_ADAPTIVE = "batching.adaptive";
    public static final String LATENCY_TARGET_MS = "latency.target.ms";
    public static final String QUEUE_CAPACITY_HIGH = "queue.capacity.high";
    public static final String QUEUE_CAPACITY_NORMAL = "queue.capacity.normal";
    public static final String QUEUE_CAPACITY_LOW = "queue.capacity.low";
    public static final String PRIORITY_AGING_MS = "priority.aging.ms";
    public static final String PRIORITY_HIGH_ISOLATION = "priority.high.isolation";
    public static final String PRIORITY_HIGH_ISOLATION_ROW_COST_PCT = "priority.high.isolation.row.cost.pct";
    public static final String KV_BUDGET_BYTES = "kv.budget.bytes";
    public static final String MEMORY_BUDGET_BYTES = "memory.budget.bytes";
    public static final String STEP_TIMEOUT_MS = "step.timeout.ms";
    public static final String WARMUP_BATCH_SIZES = "warmup.batch.sizes";
    public static final String WARMUP_STEPS = "warmup.steps";
    public static final String INTRA_OP_THREADS = "intra.op.threads";
    public static final String POSTPROCESS_THREADS_MIN = "postprocess.threads.min";
    public static final String POSTPROCESS_THREADS_MAX = "postprocess.threads.max";
    public static final String POSTPROCESS_QUEUE_CAPACITY = "postprocess.queue.capacity";
    public static final String STREAM_CHUNK_TOKENS = "stream.chunk.tokens";
    public static final String TENSORRT_CACHE_DIR = "tensorrt.cache.dir";

    public static final String ONNX_RUNTIME = "OnnxRuntime";
    public static final String TENSOR_RT = "TensorRT";
    public static final String CONTINUOUS = "continuous";
    public static final String STATIC = "static";

    private static final ConfigDef DEF = new ConfigDef()
            .define(ENGINE, Type.STRING, ONNX_RUNTIME, nonEmptyString(),
                    "Runtime engine: OnnxRuntime (CPU, default), TensorRT (ONNX Runtime's TensorRT execution provider on"
                            + " a CUDA GPU), or the name of another registered BackendProvider.")
            .define(ENGINE_FALLBACK, Type.BOOLEAN, false,
                    "When the configured engine cannot run here (TensorRT without GPU), use OnnxRuntime instead of"
                            + " failing at start.")
            .define(MODELS, Type.LIST, "java-coder-3m,java-coder-tiny",
                    "Declared models. Per model: model.<name>.location (classpath:models/<name> by default, or a"
                            + " directory), model.<name>.engine, model.<name>.memory.bytes, model.<name>.related,"
                            + " model.<name>.fim.template (auto, none, starcoder, qwen, codellama, deepseek).")
            .define(DEFAULT_MODEL, Type.STRING, "java-coder-3m", nonEmptyString(),
                    "Model used when a request names none; loaded and warmed up at start (readiness).")
            .define(PRELOAD_MODELS, Type.LIST, "", "Further models to load and warm up at start.")
            .define(PRELOAD_RELATED, Type.BOOLEAN, true,
                    "Preload models predicted from the observed sequence of requested models (and declared related"
                            + " models), only when memory.budget.bytes allows it without eviction.")
            .define(BATCHING_MODE, Type.STRING, CONTINUOUS, oneOf(CONTINUOUS, STATIC),
                    "continuous: requests join the running batch at the next decode step and leave when done;"
                            + " static: fill a batch, run it to completion (baseline).")
            .define(BATCH_MAX_SIZE, Type.INT, 32, between(1, 4096), "Maximum sequences in one decode step.")
            .define(BATCH_MAX_WAIT_MS, Type.LONG, 10L, atLeast(0),
                    "How long an idle scheduler (or static mode) waits for a fuller batch before starting.")
            .define(BATCHING_ADAPTIVE, Type.BOOLEAN, true,
                    "Adapt the batch-size cap with AIMD against latency.target.ms and the wait to the queue depth.")
            .define(LATENCY_TARGET_MS, Type.LONG, 200L, atLeast(1),
                    "Target duration of one decode step (the time between two tokens of a sequence) for adaptive"
                            + " batching.")
            .define(QUEUE_CAPACITY_HIGH, Type.INT, 256, atLeast(1), "Bounded queue of the HIGH lane, per model.")
            .define(QUEUE_CAPACITY_NORMAL, Type.INT, 1024, atLeast(1), "Bounded queue of the NORMAL lane, per model.")
            .define(QUEUE_CAPACITY_LOW, Type.INT, 1024, atLeast(1), "Bounded queue of the LOW lane, per model.")
            .define(PRIORITY_AGING_MS, Type.LONG, 2000L, atLeast(1),
                    "A waiting request gains one priority level per this many ms of waiting, so LOW never starves.")
            .define(PRIORITY_HIGH_ISOLATION, Type.BOOLEAN, true,
                    "Under a LOW flood (a full batch of LOW requests waiting, or mostly LOW arriving where rows are"
                            + " costly, see priority.high.isolation.row.cost.pct): when a HIGH-lane request starts,"
                            + " running LOW-lane sequences pause (they resume with their tokens and KV cache kept),"
                            + " and while HIGH runs or waits LOW requests join at most once per priority.aging.ms,"
                            + " however long they waited (NORMAL joins as usual), so a LOW flood adds neither rows nor"
                            + " prefill runs under a HIGH request. false"
                            + " treats LOW like the other lanes.")
            .define(PRIORITY_HIGH_ISOLATION_ROW_COST_PCT, Type.INT, 10, between(1, 100_000),
                    "HIGH isolation also engages without a LOW backlog, while LOW makes up most of the recent"
                            + " arrivals, when one more row makes a decode step more"
                            + " than this many percent slower than a one-row step, as measured on the scheduler's own"
                            + " steps (medians): about 35% for the default model on a 2-core CPU, where every LOW row"
                            + " beside a HIGH request slows it, under 1% on a memory-bound GPU model, where rows are"
                            + " nearly free. 100000 turns the measured trigger off.")
            .define(KV_BUDGET_BYTES, Type.LONG, 512L << 20, atLeast(1),
                    "Per model: admission keeps reserved KV-cache bytes (sequences x (prompt + max new tokens) x"
                            + " bytes per token) under this budget.")
            .define(MEMORY_BUDGET_BYTES, Type.LONG, 2L << 30, atLeast(1),
                    "Memory for loaded models (the stand-in for GPU memory); idle models are evicted LRU to fit.")
            .define(STEP_TIMEOUT_MS, Type.LONG, 30_000L, atLeast(1),
                    "A decode step running longer is terminated; its requests are retried once in a smaller batch,"
                            + " then completed with TIMEOUT.")
            .define(WARMUP_BATCH_SIZES, Type.LIST, "1,8,32", positiveIntList(),
                    "Batch sizes of the real warm-up batches run before a model reports ready.")
            .define(WARMUP_STEPS, Type.INT, 4, atLeast(0), "Decode steps per warm-up batch.")
            .define(INTRA_OP_THREADS, Type.INT, 0, atLeast(0),
                    "ONNX Runtime intra-op threads per model; 0 = half the available processors (at least 1), which"
                            + " leaves the rest to the stream threads, Kafka clients and post-processing: on 2 cores"
                            + " one thread answered more requests/s within the P99 target than two, in-process and"
                            + " (more so) through Kafka, and a request alone took 45 instead of 65 ms.")
            .define(POSTPROCESS_THREADS_MIN, Type.INT, 1, atLeast(1),
                    "Minimum threads of the tokenization / post-processing pool.")
            .define(POSTPROCESS_THREADS_MAX, Type.INT, 4, atLeast(1),
                    "Maximum threads of the tokenization / post-processing pool; it grows with its backlog.")
            .define(POSTPROCESS_QUEUE_CAPACITY, Type.INT, 8192, atLeast(1),
                    "Bounded backlog of the tokenization / post-processing pool.")
            .define(STREAM_CHUNK_TOKENS, Type.INT, 4, atLeast(1),
                    "A streaming request's text is handed out after its first token, then every this many tokens, and"
                            + " once more when it completes. Smaller is smoother for an editor and costs one record"
                            + " (and one decode of the text so far) per chunk.")
            .define(TENSORRT_CACHE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/codegen-trt-cache",
                    nonEmptyString(), "Directory where TensorRT engine plans are cached across restarts.");

    private final Map<String, Object> originals;
    private final Map<String, Object> values;
    private final Map<String, ModelSpec> models;

    public EngineConfig(Map<String, ?> props) {
        this.originals = Collections.unmodifiableMap(new HashMap<>(props));
        this.values = DEF.parse(props);
        if (getInt(POSTPROCESS_THREADS_MAX) < getInt(POSTPROCESS_THREADS_MIN)) {
            throw new ConfigException(POSTPROCESS_THREADS_MAX, getInt(POSTPROCESS_THREADS_MAX),
                    "must be at least " + POSTPROCESS_THREADS_MIN + " (" + getInt(POSTPROCESS_THREADS_MIN) + ")");
        }
        this.models = parseModels(props);
        if (!models.containsKey(getString(DEFAULT_MODEL))) {
            throw new ConfigException(DEFAULT_MODEL, getString(DEFAULT_MODEL), "must be one of " + MODELS + " "
                    + models.keySet());
        }
        for (String m : getList(PRELOAD_MODELS)) {
            if (!models.containsKey(m)) {
                throw new ConfigException(PRELOAD_MODELS, m, "is not declared in " + MODELS + " " + models.keySet());
            }
        }
    }

    /** Defaults only. */
    public static EngineConfig defaults() {
        return new EngineConfig(Map.of());
    }

    /** Key definitions, for documentation. */
    public static ConfigDef configDef() {
        return DEF;
    }

    private Map<String, ModelSpec> parseModels(Map<String, ?> props) {
        Map<String, ModelSpec> out = new LinkedHashMap<>();
        for (String name : getList(MODELS)) {
            String p = "model." + name + ".";
            Object loc = props.get(p + "location");
            Object eng = props.get(p + "engine");
            long mem = props.containsKey(p + "memory.bytes")
                    ? (Long) ConfigDef.parseValue(p + "memory.bytes", Type.LONG, props.get(p + "memory.bytes")) : 0L;
            if (mem < 0) {
                throw new ConfigException(p + "memory.bytes", mem, "must be at least 0");
            }
            @SuppressWarnings("unchecked")
            List<String> related = props.containsKey(p + "related")
                    ? (List<String>) ConfigDef.parseValue(p + "related", Type.LIST, props.get(p + "related")) : List.of();
            Object fim = props.get(p + "fim.template");
            out.put(name, new ModelSpec(name, loc == null ? "classpath:models/" + name : loc.toString().trim(),
                    eng == null ? null : eng.toString().trim(), mem, related, fim == null ? null : fim.toString().trim()));
        }
        for (ModelSpec spec : out.values()) {
            for (String r : spec.related()) {
                if (!out.containsKey(r)) {
                    throw new ConfigException("model." + spec.name() + ".related", r,
                            "is not declared in " + MODELS + " " + out.keySet());
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public Map<String, ModelSpec> models() {
        return models;
    }

    public ModelSpec model(String name) {
        return models.get(name);
    }

    public Map<String, Object> originals() {
        return originals;
    }

    /** A copy of the original properties with {@code overrides} applied. */
    public EngineConfig with(Map<String, ?> overrides) {
        Map<String, Object> m = new HashMap<>(originals);
        m.putAll(overrides);
        return new EngineConfig(m);
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) get(key);
    }

    public List<Integer> getIntList(String key) {
        List<Integer> out = new ArrayList<>();
        getList(key).forEach(s -> out.add(Integer.parseInt(s)));
        return out;
    }

    public boolean isStaticBatching() {
        return STATIC.equals(getString(BATCHING_MODE).toLowerCase(Locale.ROOT));
    }

    private Object get(String key) {
        if (!values.containsKey(key)) {
            throw new ConfigException("Unknown configuration '" + key + "'");
        }
        return values.get(key);
    }

    @Override
    public String toString() {
        return "EngineConfig" + values;
    }

    /** {@code intra.op.threads=0}: half the available processors, at least one. */
    public static int defaultIntraOpThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
}
