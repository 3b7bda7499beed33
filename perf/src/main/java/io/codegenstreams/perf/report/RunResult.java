package io.codegenstreams.perf.report;

import java.util.List;

/** A whole perf run: the engines, the limits, how it was run. */
public record RunResult(boolean quick, String command, String workload, List<EngineResult> engines,
                        LimitsResult limits, double seconds) {}
