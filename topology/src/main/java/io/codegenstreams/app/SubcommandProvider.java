package io.codegenstreams.app;

/** Contributes a subcommand to {@code codegen} from a module this one must not depend on (found by ServiceLoader). */
public interface SubcommandProvider {
  String name();

  /** A picocli-annotated command object. */
  Object command();
}
