package io.codegenstreams.app;

/** One line a person can act on, from an exception chain. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && (cause.getMessage() == null
        || cause instanceof java.util.concurrent.ExecutionException
        || cause instanceof java.util.concurrent.CompletionException)) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
