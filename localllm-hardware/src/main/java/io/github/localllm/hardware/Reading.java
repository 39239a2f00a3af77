package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * A measured value and where it came from, or an explicit "unknown" with the reason.
 * Detection never presents a guess as a fact: what no source could tell stays unknown.
 *
 * @param value the value, or {@code null} when unknown
 * @param source where the value came from (e.g. {@code nvidia-smi}, {@code sysfs mem_info_vram_total},
 *        {@code OSHI}), or why it is unknown
 * @param <T> the value's type
 */
public record Reading<T>(T value, String source) {

    /** Checks the source is given. */
    public Reading {
        Objects.requireNonNull(source, "source");
    }

    /**
     * @param value the value
     * @param source where it came from
     * @param <T> its type
     * @return a known reading
     */
    public static <T> Reading<T> of(T value, String source) {
        return new Reading<>(Objects.requireNonNull(value, "value"), source);
    }

    /**
     * @param why why no source could tell
     * @param <T> the type the value would have
     * @return an unknown reading
     */
    public static <T> Reading<T> unknown(String why) {
        return new Reading<>(null, why);
    }

    /** @return whether a source provided the value */
    public boolean isKnown() {
        return value != null;
    }

    /** @return the value, if known */
    public Optional<T> asOptional() {
        return Optional.ofNullable(value);
    }

    @Override
    public String toString() {
        return (value == null ? "unknown" : String.valueOf(value)) + " (" + source + ")";
    }
}
