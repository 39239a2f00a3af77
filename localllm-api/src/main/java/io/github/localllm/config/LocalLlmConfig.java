package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import io.github.localllm.internal.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The effective configuration: every value with the layer it came from. Layers, highest
 * first: builder calls, system properties ({@code -Dlocalllm.context.size=4096}),
 * environment ({@code LOCALLLM_CONTEXT_SIZE=4096}), the project file {@code .localllm.json},
 * the user file {@code ~/.config/localllm/config.json}, auto-detection. Keys are lower case
 * with dots; in JSON files they may also nest ({@code {"context": {"size": 4096}}}).
 * Immutable.
 */
public final class LocalLlmConfig {
    private static final String PROPERTY_PREFIX = "localllm.";
    private static final String ENV_PREFIX = "LOCALLLM_";
    private static final String PROJECT_FILE = ".localllm.json";

    private final Map<String, ConfigValue> values;

    private LocalLlmConfig(Map<String, ConfigValue> values) {
        this.values = values;
    }

    /**
     * Reads every layer of this process.
     *
     * @param explicit values set in code, by key
     * @param autoDetected values the SDK chose, by key
     * @return the effective configuration
     * @throws ConfigurationException if a configuration file is malformed
     */
    public static LocalLlmConfig load(Map<String, String> explicit, Map<String, String> autoDetected) {
        return load(explicit, autoDetected, ConfigEnvironment.system());
    }

    /**
     * Reads every layer from the given environment.
     *
     * @param explicit values set in code, by key
     * @param autoDetected values the SDK chose, by key
     * @param env where the other layers come from
     * @return the effective configuration
     * @throws ConfigurationException if a configuration file is malformed
     */
    public static LocalLlmConfig load(Map<String, String> explicit, Map<String, String> autoDetected,
                                      ConfigEnvironment env) {
        Map<String, ConfigValue> merged = new TreeMap<>();
        // Lowest layer first, so each higher layer overwrites.
        autoDetected.forEach((k, v) -> put(merged, k, v, ConfigSource.AUTO_DETECTED, "auto-detected"));
        readFile(env.userConfigFile(), ConfigSource.USER_FILE, merged);
        readFile(env.workingDirectory().resolve(PROJECT_FILE), ConfigSource.PROJECT_FILE, merged);
        env.environment().forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                put(merged, key, value, ConfigSource.ENVIRONMENT, name);
            }
        });
        env.systemProperties().forEach((name, value) -> {
            if (name.startsWith(PROPERTY_PREFIX) && name.length() > PROPERTY_PREFIX.length()) {
                put(merged, name.substring(PROPERTY_PREFIX.length()), value, ConfigSource.SYSTEM_PROPERTY, name);
            }
        });
        explicit.forEach((k, v) -> put(merged, k, v, ConfigSource.BUILDER, "builder"));
        readKeyFile(merged, env);
        return new LocalLlmConfig(Map.copyOf(merged));
    }

    /**
     * Adds the key file's credentials beneath the layers above it. Read last, because its place and
     * passphrase may come from any layer; a file that exists but cannot be opened is an error, since
     * the user put keys there that would otherwise be silently missing.
     */
    private static void readKeyFile(Map<String, ConfigValue> merged, ConfigEnvironment env) {
        ConfigValue named = merged.get(KeyFile.FILE_KEY);
        Path file = named != null ? Path.of(named.value()) : env.keyFile();
        if (!Files.exists(file)) {
            if (named != null) {
                throw new ConfigurationException("the key file " + file + " that " + describe(named)
                        + " names does not exist; write it with KeyFile.at(file, protection).put(key, value),"
                        + " or unset " + KeyFile.FILE_KEY);
            }
            return;
        }
        ConfigValue passphrase = merged.get(KeyFile.PASSPHRASE_KEY);
        KeyProtection protection = passphrase != null ? KeyProtection.passphrase(passphrase.value().toCharArray())
                : KeyProtection.osKeystore();
        Map<String, String> secrets = new KeyFile(file, protection, env.environment(), KeyFile.ITERATIONS).read();
        secrets.forEach((k, v) -> {
            String key = canonical(k);
            ConfigValue above = merged.get(key);
            if (above == null || above.source().compareTo(ConfigSource.KEY_FILE) > 0) {
                merged.put(key, new ConfigValue(key, v, ConfigSource.KEY_FILE, file.toString()));
            }
        });
    }

    /**
     * Adds the lowest layer to an already loaded configuration, without reading the other
     * layers again: each value applies only where no other layer sets its key.
     *
     * @param autoDetected values the SDK chose, by key
     * @return the configuration with those values beneath all others
     */
    public LocalLlmConfig withAutoDetected(Map<String, String> autoDetected) {
        Map<String, ConfigValue> merged = new TreeMap<>();
        autoDetected.forEach((k, v) -> put(merged, k, v, ConfigSource.AUTO_DETECTED, "auto-detected"));
        merged.putAll(values);
        return new LocalLlmConfig(Map.copyOf(merged));
    }

    /**
     * The configuration once the model reference has been resolved to a file on this machine (found
     * in a cache, or downloaded): {@code model} names the file, keeping the layer it was set in, with
     * the original reference and how it was resolved as its origin, so {@link #describe()} shows both.
     *
     * @param file the model file
     * @param how how the reference became the file, e.g. {@code found in the Hugging Face cache}
     * @return the configuration with {@code model} set to the file
     */
    public LocalLlmConfig withResolvedModel(java.nio.file.Path file, String how) {
        ConfigValue before = values.get(ConfigKeys.MODEL);
        ConfigSource source = before == null ? ConfigSource.AUTO_DETECTED : before.source();
        String origin = (before == null ? "" : before.value() + ", ") + how;
        Map<String, ConfigValue> merged = new TreeMap<>(values);
        merged.put(ConfigKeys.MODEL, new ConfigValue(ConfigKeys.MODEL, file.toString(), source, origin));
        return new LocalLlmConfig(Map.copyOf(merged));
    }

    /**
     * Sets values over every layer of an already loaded configuration, as builder calls do, without
     * reading the other layers again (the key file's decryption costs a key derivation or a call to
     * the OS keystore each time).
     *
     * @param values values set in code, by key; an empty value hides a lower layer's
     * @return the configuration with those values above all others
     */
    public LocalLlmConfig withValues(Map<String, String> values) {
        Map<String, ConfigValue> merged = new TreeMap<>(this.values);
        values.forEach((k, v) -> put(merged, k, v, ConfigSource.BUILDER, "builder"));
        return new LocalLlmConfig(Map.copyOf(merged));
    }

    /** @return a configuration with no values, for tests and embedding */
    public static LocalLlmConfig empty() {
        return new LocalLlmConfig(Map.of());
    }

    private static void put(Map<String, ConfigValue> into, String key, String value, ConfigSource source,
                            String origin) {
        String canonical;
        try {
            canonical = canonical(key);
        } catch (ConfigurationException e) {
            // Say where the bad key was written, or the user cannot find it.
            throw new ConfigurationException(e.getMessage() + " (" + describe(source, origin) + ")");
        }
        if (value == null) {
            return;
        }
        into.put(canonical, new ConfigValue(canonical, value, source, origin));
    }

    private static String canonical(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        if (k.isEmpty() || k.startsWith(".") || k.endsWith(".") || k.contains("..")) {
            throw new ConfigurationException("'" + key + "' is not a configuration key; use dotted lower-case"
                    + " names such as context.size");
        }
        return k;
    }

    private static void readFile(Path file, ConfigSource source, Map<String, ConfigValue> into) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file + ": " + e.getMessage()
                    + "; fix its permissions or remove it", e);
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("configuration file " + file + " is not valid JSON: " + e.getMessage()
                    + "; fix it or remove it");
        }
        if (!(root instanceof Map)) {
            throw new ConfigurationException("configuration file " + file
                    + " must hold a JSON object such as {\"context.size\": 4096}");
        }
        flatten("", (Map<?, ?>) root, file, source, into);
    }

    private static void flatten(String prefix, Map<?, ?> map, Path file, ConfigSource source,
                                Map<String, ConfigValue> into) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(key + ".", (Map<?, ?>) v, file, source, into);
            } else if (v instanceof List || v == Json.NULL) {
                throw new ConfigurationException("configuration file " + file + ": '" + key
                        + "' must be a string, number or boolean");
            } else {
                String text = v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : String.valueOf(v);
                put(into, key, text, source, file.toString());
            }
        }
    }

    /** @param key a key @return its value, if set in any layer */
    public Optional<String> get(String key) {
        return value(key).map(ConfigValue::value);
    }

    /** @param key a key @return the value with its origin, if set */
    public Optional<ConfigValue> value(String key) {
        return Optional.ofNullable(values.get(canonical(key)));
    }

    /**
     * @param key a key
     * @return its value as an integer, if set
     * @throws ConfigurationException if the value is not an integer
     */
    public Optional<Integer> getInt(String key) {
        return value(key).map(v -> {
            try {
                return Integer.parseInt(v.value().strip());
            } catch (NumberFormatException e) {
                throw new ConfigurationException(v.key() + " must be a whole number, but " + describe(v)
                        + " sets it to '" + v.displayValue() + "'");
            }
        });
    }

    /**
     * @param key a key
     * @return its value as a boolean, if set
     * @throws ConfigurationException if the value is not true or false
     */
    public Optional<Boolean> getBoolean(String key) {
        return value(key).map(v -> {
            String s = v.value().strip().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            throw new ConfigurationException(v.key() + " must be true or false, but " + describe(v)
                    + " sets it to '" + v.displayValue() + "'");
        });
    }

    /**
     * @param key a key
     * @return its value as a duration, if set: ISO-8601 ({@code PT5M}), whole seconds ({@code 300}), or a
     *         number with {@code ms}, {@code s}, {@code m} or {@code h} ({@code 5m}, as Ollama writes it); a
     *         leading {@code -} makes it negative
     * @throws ConfigurationException if the value is none of those
     */
    public Optional<java.time.Duration> getDuration(String key) {
        return value(key).map(v -> {
            String s = v.value().strip().toLowerCase(Locale.ROOT);
            try {
                if (s.startsWith("pt") || s.startsWith("-pt") || s.startsWith("p")) {
                    return java.time.Duration.parse(s.toUpperCase(Locale.ROOT));
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-?\\d+)(ms|s|m|h)?").matcher(s);
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    String unit = m.group(2) == null ? "s" : m.group(2);
                    return switch (unit) {
                        case "ms" -> java.time.Duration.ofMillis(n);
                        case "m" -> java.time.Duration.ofMinutes(n);
                        case "h" -> java.time.Duration.ofHours(n);
                        default -> java.time.Duration.ofSeconds(n);
                    };
                }
            } catch (RuntimeException e) {
                // reported below with the value's origin
            }
            throw new ConfigurationException(v.key() + " must be a duration such as PT5M, 300 (seconds) or 5m, but "
                    + describe(v) + " sets it to '" + v.displayValue() + "'");
        });
    }

    private static String describe(ConfigValue v) {
        return describe(v.source(), v.origin());
    }

    private static String describe(ConfigSource source, String origin) {
        String name = source.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        // "builder builder" and "auto detected auto-detected" say nothing twice
        return origin.equals(name) || origin.equals(name.replace(' ', '-')) ? name : name + " " + origin;
    }

    /** @return every effective value, sorted by key */
    public Collection<ConfigValue> values() {
        return new TreeMap<>(values).values();
    }

    /**
     * @return one line per effective value with where it came from; credentials are masked
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigValue v : values()) {
            sb.append(v).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
