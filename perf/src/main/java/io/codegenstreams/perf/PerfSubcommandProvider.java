package io.codegenstreams.perf;

import io.codegenstreams.app.SubcommandProvider;

/** Contributes {@code perf} to the {@code codegen} command (ServiceLoader). */
public final class PerfSubcommandProvider implements SubcommandProvider {
  @Override
  public String name() {
    return "perf";
  }

  @Override
  public Object command() {
    return new PerfCommand();
  }
}
