package io.codegenstreams.embedded;

/** A port the embedded runtime must bind is taken; the message names the setting that chooses another. */
public final class PortInUseException extends EmbeddedRuntimeException {
  private static final long serialVersionUID = 1L;

  private final int port;
  private final String setting;

  public PortInUseException(String host, int port, String setting) {
    super("Port " + port + " on " + host + " is already in use; choose another with " + setting + ".");
    this.port = port;
    this.setting = setting;
  }

  public int port() {
    return port;
  }

  public String setting() {
    return setting;
  }
}
