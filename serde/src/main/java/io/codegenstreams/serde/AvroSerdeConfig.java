package io.codegenstreams.serde;

import io.codegenstreams.serde.internals.SubjectNameStrategies;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the Avro serdes, the registry client and the console tools. Key names are Confluent's, so a client
 * configuration written for Confluent's {@code KafkaAvroSerializer} works unchanged.
 *
 * <p>{@link #AUTO_REGISTER_SCHEMAS} defaults to {@code false}, the production setting: producers only use schemas
 * that were registered (and reviewed) up front. The embedded runtime and the CLI set it to {@code true} so local runs
 * need no manual registration step.
 */
public final class AvroSerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC = "Comma-separated list of schema registry base URLs, e.g. "
      + "http://registry-1:8081,http://registry-2:8081. Requests go to the first; on a connection error or a 5xx "
      + "answer the next URL is tried.";

  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether serializers register a record's schema under its "
      + "subject when it is not registered yet. False (the production setting) makes them only look the schema up and "
      + "fail when it is missing. The embedded runtime and the CLI set it to true.";

  public static final String USE_LATEST_VERSION = "use.latest.version";
  private static final String USE_LATEST_VERSION_DOC = "Serialize with the latest schema registered under the subject "
      + "(and its id) instead of the record's own schema. Only used when auto.register.schemas is false.";

  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
  private static final String LATEST_CACHE_TTL_SEC_DOC = "Seconds a subject's latest version is cached for "
      + "use.latest.version; -1 caches it for the life of the client.";

  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  private static final String SUBJECT_NAME_STRATEGY_DOC = "Class (implementing " + SubjectNameStrategy.class.getName()
      + ") choosing the subject of %s schemas. " + TopicNameStrategy.class.getName() + " (<topic>-%s, the default) or "
      + RecordNameStrategy.class.getName() + " (the record's full name). Confluent's class names "
      + SubjectNameStrategies.CONFLUENT_TOPIC_NAME_STRATEGY + " and " + SubjectNameStrategies.CONFLUENT_RECORD_NAME_STRATEGY
      + " are accepted as aliases.";

  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  private static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC = "Where HTTP basic-auth credentials come from: URL "
      + "(user:password@ in schema.registry.url; no auth when absent) or USER_INFO (basic.auth.user.info).";

  public static final String USER_INFO = "basic.auth.user.info";
  private static final String USER_INFO_DOC = "user:password for HTTP basic auth when basic.auth.credentials.source "
      + "is USER_INFO.";

  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  private static final String REQUEST_TIMEOUT_MS_DOC = "How long one HTTP request to the registry may take before it "
      + "counts as a (retriable) failure.";

  public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  private static final String CONNECT_TIMEOUT_MS_DOC = "How long opening a connection to the registry may take.";

  public static final String MAX_RETRIES = "max.retries";
  private static final String MAX_RETRIES_DOC = "Retries of a registry request after a connection error or a 5xx "
      + "answer (4xx answers are never retried).";

  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  private static final String RETRIES_WAIT_MS_DOC = "Back-off before the first retry; it doubles on each further retry.";

  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
  private static final String RETRIES_MAX_WAIT_MS_DOC = "Upper bound of the back-off between retries.";

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), new ConfigDef.NonNullValidator(), Importance.HIGH,
          SCHEMA_REGISTRY_URL_DOC)
      .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, false, Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC)
      .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW, USE_LATEST_VERSION_DOC)
      .define(LATEST_CACHE_TTL_SEC, Type.LONG, -1L, Range.atLeast(-1), Importance.LOW, LATEST_CACHE_TTL_SEC_DOC)
      .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, TopicNameStrategy.class.getName(),
          SubjectNameStrategies.VALIDATOR, Importance.MEDIUM, String.format(SUBJECT_NAME_STRATEGY_DOC, "key", "key"))
      .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, TopicNameStrategy.class.getName(),
          SubjectNameStrategies.VALIDATOR, Importance.MEDIUM, String.format(SUBJECT_NAME_STRATEGY_DOC, "value", "value"))
      .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "URL", ValidString.in("URL", "USER_INFO"), Importance.MEDIUM,
          BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
      .define(USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, USER_INFO_DOC)
      .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
          "Trust store file for the registry's TLS certificate; the JDK's default trust store when unset.")
      .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the trust store file.")
      .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"), Importance.LOW,
          "Format of the trust store file.")
      .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
          "Key store file with this client's certificate, for registries that require TLS client authentication.")
      .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the key store file.")
      .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"), Importance.LOW,
          "Format of the key store file.")
      .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
          "Password of the private key in the key store; the key store password when unset.")
      .define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.LOW, REQUEST_TIMEOUT_MS_DOC)
      .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW, CONNECT_TIMEOUT_MS_DOC)
      .define(MAX_RETRIES, Type.INT, 3, Range.atLeast(0), Importance.LOW, MAX_RETRIES_DOC)
      .define(RETRIES_WAIT_MS, Type.INT, 1_000, Range.atLeast(0), Importance.LOW, RETRIES_WAIT_MS_DOC)
      .define(RETRIES_MAX_WAIT_MS, Type.INT, 20_000, Range.atLeast(0), Importance.LOW, RETRIES_MAX_WAIT_MS_DOC);

  public AvroSerdeConfig(Map<String, ?> props) {
    super(CONFIG, props, false);
  }

  /** The definition of every setting, e.g. for {@code configDef().toHtml()} or for embedding in another ConfigDef. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The registry base URLs, without trailing slashes; fails naming the setting when none is configured. */
  public List<String> registryUrls() {
    List<String> urls = getList(SCHEMA_REGISTRY_URL).stream()
        .map(String::trim)
        .filter(u -> !u.isEmpty())
        .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
        .toList();
    if (urls.isEmpty()) {
      throw new ConfigException(SCHEMA_REGISTRY_URL + " is not set: give the schema registry URL, "
          + "e.g. " + SCHEMA_REGISTRY_URL + "=http://127.0.0.1:8081");
    }
    for (String url : urls) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new ConfigException(SCHEMA_REGISTRY_URL, url, "must start with http:// or https://");
      }
    }
    return urls;
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION);
  }

  /** A new instance of the configured key or value subject name strategy. */
  public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
    return SubjectNameStrategies.create(getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY));
  }

  /** The configured {@code user:password}, or null when none. */
  public String userInfo() {
    Password password = getPassword(USER_INFO);
    return password == null ? null : password.value();
  }

  /** Password value or null. */
  public String password(String key) {
    Password password = getPassword(key);
    return password == null ? null : password.value();
  }
}
