package io.github.localllm.backend.llamaserver;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much memory the models of the managed engine may take together, and what a load that does not
 * fit beside the loaded ones does. Each model's share is its estimate ({@link io.github.localllm.gguf.MemoryModel}
 * for the context, slots and cache type it is started with).
 *
 * @param bytes the budget for all models this JVM's managed engine runs; empty: the memory the system
 *        has available ({@code MemAvailable} on Linux) when a model loads, beside the models already
 *        loaded, which that figure already leaves out
 * @param whenFull what a load that does not fit does
 */
record MemoryBudget(OptionalLong bytes, WhenFull whenFull) {
    /** The key of the budget: bytes, or a size such as {@code 6GiB}, {@code 512MiB}, {@code 8G}. */
    static final String BUDGET_KEY = "llamaserver.memory.budget";
    /** The key of what a load that does not fit does: {@code unload-lru} (the default) or {@code fail}. */
    static final String WHEN_FULL_KEY = "llamaserver.memory.full";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)");

    /** What a load does when the models loaded leave no room for it. */
    enum WhenFull {
        /**
         * Unloads the least recently used model that no request is using, then the next, until the new
         * one fits; fails as {@link #FAIL} does when every model left is in use.
         */
        UNLOAD_LEAST_RECENTLY_USED("unload-lru"),
        /** Fails with an {@link io.github.localllm.InsufficientResourcesException} naming the loaded models. */
        FAIL("fail");

        private final String key;

        WhenFull(String key) {
            this.key = key;
        }

        /** @return its configuration value */
        String key() {
            return key;
        }
    }

    /** Checks the parts. */
    MemoryBudget {
        if (bytes.isPresent() && bytes.getAsLong() <= 0) {
            throw new ConfigurationException(BUDGET_KEY + " must be positive, was " + bytes.getAsLong());
        }
    }

    /** The default: the memory available, unloading the least recently used idle model to make room. */
    static final MemoryBudget AVAILABLE = new MemoryBudget(OptionalLong.empty(), WhenFull.UNLOAD_LEAST_RECENTLY_USED);

    /**
     * @param config the configuration
     * @return the budget it sets
     * @throws ConfigurationException for a value that is not a size, or not one of the policies
     */
    static MemoryBudget from(LocalLlmConfig config) {
        OptionalLong bytes = OptionalLong.empty();
        Optional<ConfigValue> budget = config.value(BUDGET_KEY);
        if (budget.isPresent()) {
            bytes = OptionalLong.of(parseSize(budget.get()));
        }
        WhenFull whenFull = WhenFull.UNLOAD_LEAST_RECENTLY_USED;
        Optional<ConfigValue> full = config.value(WHEN_FULL_KEY);
        if (full.isPresent()) {
            String v = full.get().value().strip().toLowerCase(Locale.ROOT);
            whenFull = switch (v) {
                case "unload-lru" -> WhenFull.UNLOAD_LEAST_RECENTLY_USED;
                case "fail" -> WhenFull.FAIL;
                default -> throw new ConfigurationException(WHEN_FULL_KEY + " must be unload-lru or fail, was '"
                        + full.get().value() + "' (" + full.get().origin() + ")");
            };
        }
        return new MemoryBudget(bytes, whenFull);
    }

    /** Reads {@code 123}, {@code 512MiB}, {@code 6 GiB}, {@code 8G}, {@code 1.5gb}: binary units, as memory is counted. */
    static long parseSize(ConfigValue value) {
        Matcher m = SIZE.matcher(value.value().strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || !m.group(2).isEmpty() && m.group(3).equals("i")
                || m.group(2).isEmpty() && !m.group(3).isEmpty() && !m.group(3).equals("b")) {
            throw new ConfigurationException(BUDGET_KEY + " must be a size such as 6GiB, 512MiB or a number of bytes,"
                    + " was '" + value.value() + "' (" + value.origin() + ")");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes < 1 || bytes >= Long.MAX_VALUE) {
            throw new ConfigurationException(BUDGET_KEY + " must be at least one byte and below 8 EiB, was '"
                    + value.value() + "' (" + value.origin() + ")");
        }
        return (long) bytes;
    }

    /** @param bytes a size @return it in MiB, rounded up, for messages */
    static String mib(long bytes) {
        return ((bytes + (1 << 20) - 1) >> 20) + " MiB";
    }
}
