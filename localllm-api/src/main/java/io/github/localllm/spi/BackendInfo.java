package io.github.localllm.spi;

import java.util.Objects;

/**
 * What an engine is.
 *
 * @param id the short name used to select it, e.g. {@code llamacpp}
 * @param name a human-readable name
 * @param version the engine's version, e.g. the bundled llama.cpp build
 */
public record BackendInfo(String id, String name, String version) {

    /** Checks no part is missing. */
    public BackendInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }
}
