package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;

/** A request record decoded, a cancel (a tombstone: key, no value), or the reason it could not be decoded. */
record DecodeOutcome(CodeGenRequest request, String key, Exception error) {
  boolean ok() {
    return error == null;
  }

  boolean cancel() {
    return error == null && request == null;
  }
}
