package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.config.ConfigValue;
import java.util.Locale;

/** Where a configuration value was set, as a message says it: {@code system property localllm.llamaserver.path}. */
final class Where {
    private Where() {
    }

    static String of(ConfigValue value) {
        String layer = value.source().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return value.origin().replace('-', ' ').equalsIgnoreCase(layer) ? layer : layer + " " + value.origin();
    }
}
