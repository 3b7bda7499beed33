package io.codegenstreams.serde.internals;

import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.SerdeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the registry client's {@link SSLContext} from the {@code schema.registry.ssl.*} settings. */
public final class SslContexts {
  private SslContexts() {}

  /** The JDK default context when neither a trust store nor a key store is configured. */
  public static SSLContext fromConfig(AvroSerdeConfig config) {
    String trustLocation = config.getString(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION);
    String keyLocation = config.getString(AvroSerdeConfig.SSL_KEYSTORE_LOCATION);
    try {
      if (blank(trustLocation) && blank(keyLocation)) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory trust = null;
      if (!blank(trustLocation)) {
        KeyStore store = load(trustLocation, config.getString(AvroSerdeConfig.SSL_TRUSTSTORE_TYPE),
            config.password(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD), AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION);
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
      }
      KeyManagerFactory keys = null;
      if (!blank(keyLocation)) {
        String storePassword = config.password(AvroSerdeConfig.SSL_KEYSTORE_PASSWORD);
        String keyPassword = config.password(AvroSerdeConfig.SSL_KEY_PASSWORD);
        KeyStore store = load(keyLocation, config.getString(AvroSerdeConfig.SSL_KEYSTORE_TYPE), storePassword,
            AvroSerdeConfig.SSL_KEYSTORE_LOCATION);
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String password = keyPassword != null ? keyPassword : storePassword;
        keys.init(store, password == null ? new char[0] : password.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new SerdeException("Cannot set up TLS for the schema registry client: " + e.getMessage()
          + "; check the schema.registry.ssl.* settings", e);
    }
  }

  private static KeyStore load(String location, String type, String password, String setting) {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password == null ? null : password.toCharArray());
      return store;
    } catch (Exception e) {
      throw new SerdeException("Cannot load " + type + " store " + location + " (" + setting + "): " + e.getMessage(), e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
