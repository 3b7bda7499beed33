package io.codegenstreams.inference.internals.engine;

import io.codegenstreams.inference.ConfigException;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineUnavailableException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Resolves engine names to {@link BackendProvider}s (explicit ones first, then {@link ServiceLoader}) and checks,
 * at engine start, that every engine the configuration needs can run here. An unavailable engine fails the start
 * with a message naming the setting, unless {@code engine.fallback=true}: then OnnxRuntime serves instead.
 */
public final class BackendRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);
    private final Map<String, BackendProvider> providers = new LinkedHashMap<>();
    private final Map<String, BackendProvider> resolved = new LinkedHashMap<>();

    public BackendRegistry(EngineConfig config, List<BackendProvider> explicit) {
        for (BackendProvider p : explicit) {
            providers.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        }
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendRegistry.class.getClassLoader())) {
            providers.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        }
        List<String> needed = new ArrayList<>();
        for (ModelSpec spec : config.models().values()) {
            String setting = spec.engine() == null ? EngineConfig.ENGINE : "model." + spec.name() + ".engine";
            String name = spec.engine() == null ? config.getString(EngineConfig.ENGINE) : spec.engine();
            if (!needed.contains(name.toLowerCase(Locale.ROOT))) {
                needed.add(name.toLowerCase(Locale.ROOT));
                resolved.put(name.toLowerCase(Locale.ROOT), check(config, setting, name));
            }
        }
    }

    private BackendProvider check(EngineConfig config, String setting, String name) {
        BackendProvider p = providers.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new ConfigException(setting, name, "no such engine; known engines: " + providers.keySet());
        }
        try {
            p.checkAvailable(config);
            return p;
        } catch (EngineUnavailableException e) {
            BackendProvider ort = providers.get(EngineConfig.ONNX_RUNTIME.toLowerCase(Locale.ROOT));
            if (config.getBoolean(EngineConfig.ENGINE_FALLBACK) && ort != null && ort != p) {
                LOG.warn("Engine {} unavailable ({}); falling back to OnnxRuntime because {}=true", name,
                        e.getMessage(), EngineConfig.ENGINE_FALLBACK);
                ort.checkAvailable(config);
                return ort;
            }
            throw new EngineUnavailableException("Engine " + name + " (setting '" + setting + "') cannot run here: "
                    + e.getMessage() + ". Set '" + setting + "=" + EngineConfig.ONNX_RUNTIME + "', or '"
                    + EngineConfig.ENGINE_FALLBACK + "=true' to fall back to OnnxRuntime.", e);
        }
    }

    /** The provider that serves {@code spec} (after any fallback). */
    public BackendProvider providerFor(EngineConfig config, ModelSpec spec) {
        String name = spec.engine() == null ? config.getString(EngineConfig.ENGINE) : spec.engine();
        return resolved.get(name.toLowerCase(Locale.ROOT));
    }
}
