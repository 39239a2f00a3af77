package io.github.localllm.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether an engine can serve requests now.
 *
 * @param up whether it answered and is ready
 * @param version the version it reported, or empty
 * @param detail what was found, e.g. "connection refused at http://127.0.0.1:11434; start it with `ollama serve`"
 * @param latency how long the check took
 */
public record EngineHealth(boolean up, String version, String detail, Duration latency) {

    /** Checks no part is missing. */
    public EngineHealth {
        version = version == null ? "" : version;
        detail = detail == null ? "" : detail;
        Objects.requireNonNull(latency, "latency");
    }

    /** @param version its version @param latency time taken @return a healthy engine */
    public static EngineHealth up(String version, Duration latency) {
        return new EngineHealth(true, version, "ready", latency);
    }

    /** @param detail what is wrong and what to do @param latency time taken @return an engine that cannot serve */
    public static EngineHealth down(String detail, Duration latency) {
        return new EngineHealth(false, "", detail, latency);
    }
}
