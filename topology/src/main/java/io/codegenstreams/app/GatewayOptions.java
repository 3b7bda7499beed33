package io.codegenstreams.app;

import io.codegenstreams.gateway.GatewaySettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The HTTP gateway's options, shared by {@code run} (which starts one by default) and {@code gateway}. */
public final class GatewayOptions {
  @Option(names = "--gateway-host", paramLabel = "ADDRESS", defaultValue = GatewaySettings.DEFAULT_HOST,
      description = "Address the OpenAI-compatible gateway binds; 0.0.0.0 in a container (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "" + GatewaySettings.DEFAULT_PORT,
      description = "Port of the gateway's /v1/completions, /v1/models and /health (default: ${DEFAULT-VALUE}; 0: any"
          + " free port).")
  int port;

  @Option(names = "--api-keys", paramLabel = "FILE",
      description = "API keys the gateway accepts, one per line: KEY LANE [REQUESTS_PER_SECOND] (a mounted Secret"
          + " works). Without it every call is served, which is meant for loopback only.")
  Path apiKeys;

  @Option(names = "--max-wait", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "Longest a gateway call waits for its result before it is answered 504 (default: ${DEFAULT-VALUE}).")
  Duration maxWait;

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Path apiKeys() {
    return apiKeys;
  }

  public Duration maxWait() {
    return maxWait;
  }
}
