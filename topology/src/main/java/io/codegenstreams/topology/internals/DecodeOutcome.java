package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;

/** A request record decoded, or the reason it could not be. */
record DecodeOutcome(CodeGenRequest request, String key, Exception error) {
  boolean ok() {
    return error == null;
  }
}
