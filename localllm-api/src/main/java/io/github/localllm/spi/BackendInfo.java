package io.github.localllm.spi;

import java.net.URI;
import java.util.Objects;

/**
 * What an engine is.
 *
 * @param id the short name used to select it, e.g. {@code llamacpp}
 * @param name a human-readable name
 * @param version the engine's version, e.g. the bundled llama.cpp build or the server's reported version
 * @param capabilities what it can do
 * @param endpoint the server it talks to, or {@code null} for an engine in this process
 */
public record BackendInfo(String id, String name, String version, EngineCapabilities capabilities, URI endpoint) {

    /** Checks no part is missing. */
    public BackendInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        capabilities = capabilities == null ? EngineCapabilities.unknown() : capabilities;
    }

    /**
     * An engine in this process that says nothing of its capabilities.
     *
     * @param id the short name
     * @param name a human-readable name
     * @param version its version
     */
    public BackendInfo(String id, String name, String version) {
        this(id, name, version, EngineCapabilities.unknown(), null);
    }

    /** @param id the short name @return a builder */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds {@link BackendInfo}; the name defaults to the id and the version to {@code unknown}. */
    public static final class Builder {
        private final String id;
        private String name;
        private String version = "unknown";
        private EngineCapabilities capabilities = EngineCapabilities.unknown();
        private URI endpoint;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
            this.name = id;
        }

        /** @param v a human-readable name @return this */
        public Builder name(String v) {
            name = v;
            return this;
        }

        /** @param v the engine's version @return this */
        public Builder version(String v) {
            version = v;
            return this;
        }

        /** @param v what it can do @return this */
        public Builder capabilities(EngineCapabilities v) {
            capabilities = v;
            return this;
        }

        /** @param v the server it talks to @return this */
        public Builder endpoint(URI v) {
            endpoint = v;
            return this;
        }

        /** @return the info */
        public BackendInfo build() {
            return new BackendInfo(id, name, version, capabilities, endpoint);
        }
    }
}
