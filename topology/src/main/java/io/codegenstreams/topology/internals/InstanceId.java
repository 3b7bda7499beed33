package io.codegenstreams.topology.internals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The identity of one pipeline instance across restarts, kept beside its state stores: a random id made on the first
 * start and read back on every later one. Static group membership is built on it, so a restarted instance (after a
 * crash, an OOM kill, a redeploy) takes over its own group members at once instead of waiting for the old members'
 * {@code session.timeout.ms}; two instances never share it because each has its own state directory, which Kafka
 * Streams locks.
 */
public final class InstanceId {
  /** File in the state directory that holds the id. */
  public static final String FILE = "codegen-instance-id";

  private InstanceId() {}

  /** The id stored in {@code stateDir}, created (atomically) if there is none yet. */
  public static String of(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!id.isEmpty()) {
          return id;
        }
      }
      Files.createDirectories(stateDir);
      String id = UUID.randomUUID().toString().substring(0, 8);
      Path tmp = Files.createTempFile(stateDir, FILE, ".tmp");
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the instance id in " + file
          + " (the state directory must be writable)", e);
    }
  }
}
