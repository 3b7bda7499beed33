package io.codegenstreams.inference.internals.config;

import io.codegenstreams.inference.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny Kafka-{@code ConfigDef}-style definition helper: each key has a type, a default (or none: required),
 * a validator and a doc string. {@link #parse} converts strings and checks values; errors name the key.
 */
public final class ConfigDef {

    public enum Type { BOOLEAN, INT, LONG, DOUBLE, STRING, LIST }

    /** Checks a parsed value; throws {@link ConfigException} naming the key. */
    @FunctionalInterface
    public interface Validator {
        void ensureValid(String name, Object value);
    }

    /** Marker for a key without default: it must be set. */
    public static final Object NO_DEFAULT = new Object();

    public record Key(String name, Type type, Object defaultValue, Validator validator, String doc) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalStateException("Configuration " + name + " is defined twice");
        }
        Object parsedDefault = defaultValue == NO_DEFAULT ? NO_DEFAULT : parseValue(name, type, defaultValue);
        keys.put(name, new Key(name, type, parsedDefault, validator, doc));
        return this;
    }

    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, doc);
    }

    public Map<String, Key> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** Parses the defined keys from {@code props}; other keys are ignored (prefixed per-model keys, for instance). */
    public Map<String, Object> parse(Map<String, ?> props) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object value;
            if (props.containsKey(key.name)) {
                value = parseValue(key.name, key.type, props.get(key.name));
            } else if (key.defaultValue == NO_DEFAULT) {
                throw new ConfigException("Missing required configuration '" + key.name + "': " + key.doc);
            } else {
                value = key.defaultValue;
            }
            if (key.validator != null) {
                key.validator.ensureValid(key.name, value);
            }
            values.put(key.name, value);
        }
        return values;
    }

    /** Converts a String (or an already typed value) to {@code type}. */
    public static Object parseValue(String name, Type type, Object value) {
        if (value == null) {
            return null;
        }
        String s = value instanceof String str ? str.trim() : null;
        try {
            switch (type) {
                case BOOLEAN:
                    if (value instanceof Boolean) {
                        return value;
                    }
                    if ("true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s)) {
                        return Boolean.parseBoolean(s);
                    }
                    throw new ConfigException(name, value, "expected true or false");
                case INT:
                    return value instanceof Number n ? Integer.valueOf(Math.toIntExact(n.longValue())) : Integer.valueOf(s);
                case LONG:
                    return value instanceof Number n ? Long.valueOf(n.longValue()) : Long.valueOf(s);
                case DOUBLE:
                    return value instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(s);
                case STRING:
                    return value instanceof String ? s : value.toString();
                case LIST:
                    if (value instanceof List<?> list) {
                        List<String> out = new ArrayList<>();
                        list.forEach(o -> out.add(String.valueOf(o).trim()));
                        return List.copyOf(out);
                    }
                    if (s.isEmpty()) {
                        return List.of();
                    }
                    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                default:
                    throw new IllegalStateException("unknown type " + type);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(name, value, "expected a value of type " + type.name().toLowerCase(Locale.ROOT));
        }
    }

    // ------------------------------------------------------------------ validators

    public static Validator atLeast(long min) {
        return (name, value) -> {
            if (((Number) value).longValue() < min) {
                throw new ConfigException(name, value, "must be at least " + min);
            }
        };
    }

    public static Validator between(long min, long max) {
        return (name, value) -> {
            long v = ((Number) value).longValue();
            if (v < min || v > max) {
                throw new ConfigException(name, value, "must be between " + min + " and " + max);
            }
        };
    }

    public static Validator oneOf(String... allowed) {
        return (name, value) -> {
            for (String a : allowed) {
                if (a.equalsIgnoreCase((String) value)) {
                    return;
                }
            }
            throw new ConfigException(name, value, "must be one of " + Arrays.toString(allowed));
        };
    }

    public static Validator nonEmptyString() {
        return (name, value) -> {
            if (value == null || ((String) value).isEmpty()) {
                throw new ConfigException(name, value, "must not be empty");
            }
        };
    }

    public static Validator positiveIntList() {
        return (name, value) -> {
            for (Object item : (List<?>) value) {
                try {
                    if (Integer.parseInt(String.valueOf(item)) < 1) {
                        throw new ConfigException(name, value, "every entry must be a positive integer");
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "every entry must be a positive integer");
                }
            }
        };
    }

    /** Renders the definitions as a Markdown table (for the README). */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        for (Key k : keys.values()) {
            Object d = k.defaultValue == NO_DEFAULT ? "(required)" : k.defaultValue;
            b.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(d).append(" | ").append(k.doc).append(" |\n");
        }
        return b.toString();
    }
}
