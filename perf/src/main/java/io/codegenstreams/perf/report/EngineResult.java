package io.codegenstreams.perf.report;

import java.util.Map;

/**
 * Everything measured on one engine.
 *
 * @param idleP50Ms       P50 over the mix of the latency of one request alone on the idle system (NaN if not measured)
 * @param idleP99Ms       P99 of the same
 * @param targetMs        the P99 target of the sweeps (2x idleP99Ms unless given)
 * @param dynamicSettings engine settings of the dynamic configuration beyond the defaults ("" when none)
 * @param pipeline        per configuration label, through Kafka
 * @param inProcess       per configuration label, the engine driven directly (dynamic at least)
 * @param highLane        HIGH lane under a LOW flood; null when not measured
 */
public record EngineResult(String engine, String model, String note, double idleP50Ms, double idleP99Ms,
                           double targetMs, String dynamicSettings,
                           Map<String, ConfigResult> pipeline, Map<String, ConfigResult> inProcess,
                           HighLaneResult highLane) {}
