package io.codegenstreams.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks for the loopback-only embedded runtime. */
public final class Ports {
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /** Fails with {@link PortInUseException} naming {@code setting} when {@code port} cannot be bound on loopback. */
  public static void requireFree(int port, String setting) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
    } catch (IOException e) {
      throw new PortInUseException(LOOPBACK, port, setting);
    }
  }

  /** A port that was free on loopback a moment ago; for tests and for the internal controller listener. */
  public static int pickFree() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedRuntimeException("No free port on " + LOOPBACK, e);
    }
  }
}
