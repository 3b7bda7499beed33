package io.codegenstreams.embedded.registry;

import com.sun.net.httpserver.HttpServer;
import io.codegenstreams.embedded.EmbeddedRuntimeException;
import io.codegenstreams.embedded.PortInUseException;
import io.codegenstreams.embedded.Ports;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry in this JVM, persisted in the broker's compacted {@code _schemas} topic.
 *
 * <p>It serves the REST subset the serdes, the console tools and Confluent-compatible clients use: register, lookup,
 * schema by id, subject versions, compatibility checks and compatibility config, with Confluent's status codes, error
 * codes and media types. Avro only. Schemas and configs are read back from the topic on start, so ids are stable
 * across registry and broker restarts. It binds to 127.0.0.1 only and is the single writer of its topic: run one per
 * broker.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "--registry-port").start()) {
 *   props.put("schema.registry.url", registry.url());
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final int THREADS = 4;
  private static final int QUEUE = 64;

  private final String bootstrapServers;
  private final int port;
  private final String portSetting;
  private SchemaLog schemaLog;
  private HttpServer server;
  private ThreadPoolExecutor executor;
  private int boundPort;

  /**
   * @param bootstrapServers the broker holding the {@code _schemas} topic
   * @param port the HTTP port on 127.0.0.1; {@code 0} picks a free one
   * @param portSetting the user-facing setting choosing the port, named in {@link PortInUseException}
   */
  public EmbeddedSchemaRegistry(String bootstrapServers, int port, String portSetting) {
    this.bootstrapServers = bootstrapServers;
    this.port = port;
    this.portSetting = portSetting;
  }

  /** Binds 127.0.0.1, loads the persisted schemas and configs, then serves. */
  public synchronized EmbeddedSchemaRegistry start() {
    if (server != null) {
      return this;
    }
    int httpPort = port == 0 ? Ports.pickFree() : port;
    Ports.requireFree(httpPort, portSetting);
    try {
      schemaLog = new SchemaLog(bootstrapServers);
      schemaLog.open();
      RegistryState state = new RegistryState();
      int records = schemaLog.replay(state::apply);
      RegistryService service = new RegistryService(state, schemaLog::append);
      server = bind(httpPort);
      executor = newExecutor();
      server.setExecutor(executor);
      server.createContext("/", new RegistryHttpHandler(service));
      server.start();
      boundPort = httpPort;
      log.info("Schema registry listening on {} ({} records loaded from {}, {} subjects)", url(), records,
          SchemaLog.TOPIC, state.subjects().size());
      return this;
    } catch (RuntimeException e) {
      close();
      if (e instanceof EmbeddedRuntimeException) {
        throw e;
      }
      throw new EmbeddedRuntimeException("Schema registry failed to start: " + e.getMessage(), e);
    }
  }

  private HttpServer bind(int httpPort) {
    try {
      return HttpServer.create(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), httpPort), 50);
    } catch (BindException e) {
      throw new PortInUseException(Ports.LOOPBACK, httpPort, portSetting);
    } catch (IOException e) {
      throw new EmbeddedRuntimeException("Cannot open the schema registry's HTTP server on port " + httpPort
          + ": " + e.getMessage(), e);
    }
  }

  /** A small bounded pool; when it is saturated the accepting thread runs the request, which slows intake. */
  private static ThreadPoolExecutor newExecutor() {
    AtomicInteger counter = new AtomicInteger();
    return new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread thread = new Thread(r, "schema-registry-http-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }, new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8081}. */
  public String url() {
    if (server == null) {
      throw new IllegalStateException("schema registry not started");
    }
    return "http://" + Ports.LOOPBACK + ":" + boundPort;
  }

  /** Stops serving and closes the producer; the schemas stay in the topic for the next start. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
    if (executor != null) {
      executor.shutdown();
      executor = null;
    }
    if (schemaLog != null) {
      schemaLog.close();
      schemaLog = null;
    }
  }
}
