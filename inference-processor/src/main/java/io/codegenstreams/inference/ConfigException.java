package io.codegenstreams.inference;

/** An {@link EngineConfig} value is missing or invalid; the message names the setting to change. */
public class ConfigException extends FatalInferenceException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String setting, Object value, String reason) {
        super("Invalid value " + value + " for configuration '" + setting + "': " + reason);
    }
}
