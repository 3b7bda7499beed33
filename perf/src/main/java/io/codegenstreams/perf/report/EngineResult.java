package io.codegenstreams.perf.report;

import java.util.Map;

/**
 * Everything measured on one engine.
 *
 * @param idleMs          median latency of one request alone on the idle system (mean prompt and output length)
 * @param targetMs        the P99 target of the sweeps (2x idleMs unless given)
 * @param dynamicSettings engine settings of the dynamic configuration beyond the defaults ("" when none)
 * @param pipeline        per configuration label, through Kafka
 * @param inProcess       per configuration label, the engine driven directly (dynamic at least)
 * @param highLane        HIGH lane under a LOW flood; null when not measured
 */
public record EngineResult(String engine, String model, String note, double idleMs, double targetMs, String dynamicSettings,
                           Map<String, ConfigResult> pipeline, Map<String, ConfigResult> inProcess,
                           HighLaneResult highLane) {}
