package io.github.localllm.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One effective configuration value and where it came from.
 *
 * @param key the canonical key, lower case with dots, e.g. {@code context.size}
 * @param value the value as text
 * @param source the layer it came from
 * @param origin the exact place: a property name, a variable name or a file path
 */
public record ConfigValue(String key, String value, ConfigSource source, String origin) {

    /** Checks no part is missing. */
    public ConfigValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * @return whether the value is a credential, which must never be printed or logged: every value of the
     *         key file, and any whose key names a key, token, secret, password or passphrase
     */
    public boolean isSecret() {
        String k = key.toLowerCase(Locale.ROOT);
        return source == ConfigSource.KEY_FILE || k.contains("key") || k.contains("token") || k.contains("secret")
                || k.contains("password") || k.contains("passphrase");
    }

    /** @return the value, or {@code ****} for a credential */
    public String displayValue() {
        return isSecret() ? "****" : value;
    }

    @Override
    public String toString() {
        String layer = source.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        // Builder calls and auto-detection have no place beyond their layer: say it once.
        boolean sameAsLayer = origin.replace('-', ' ').equalsIgnoreCase(layer);
        return key + " = " + displayValue() + "  (" + layer + (sameAsLayer ? "" : ": " + origin) + ")";
    }
}
