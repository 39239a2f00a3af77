package io.github.localllm.backend.llamaserver;

import io.github.localllm.ConfigurationException;
import io.github.localllm.StorageException;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.backend.llamaserver.internal.install.EngineInstallation;
import io.github.localllm.backend.llamaserver.internal.install.ReleaseTable;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEventListener;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Installs llama.cpp's {@code llama-server}, on request only, from the official release archives of
 * the build the SDK pins ({@value #BUILD}): the archive for the platform and accelerator, its
 * SHA-256 checked against the digest the release publishes before anything is unpacked, unpacked
 * into {@code <engines directory>/b<build>/<variant>/} in one atomic step, the server made
 * executable. The engine finds it there.
 *
 * <pre>{@code
 * LlamaServerInstaller installer = LlamaServerInstaller.builder()
 *         .listener(event -> System.out.println(event))
 *         .build();
 * System.out.println(installer.plan(Platform.LINUX_X64, Accelerator.VULKAN)); // what, from where, how large
 * Path server = installer.install(Platform.LINUX_X64, Accelerator.VULKAN);
 * }</pre>
 *
 * <p>Configuration ({@link Builder#config}): {@value #ENGINES_DIR_KEY} (default
 * {@code ~/.localllm/engines}), {@value #DOWNLOADS_KEY} (default
 * {@code https://github.com/ggml-org/llama.cpp/releases/download}, for a mirror holding
 * {@code <tag>/<asset>}), {@value #API_KEY} (default
 * {@code https://api.github.com/repos/ggml-org/llama.cpp/releases}; asked only for assets whose
 * digest the SDK does not carry), {@value #TIMEOUT_KEY} (the time limit of each HTTP answer,
 * default 60 s).
 *
 * <p>Installations of one variant take turns, across threads and processes: the second waits, then
 * finds the engine installed. Thread-safe.
 */
public final class LlamaServerInstaller {
    /** The llama.cpp build the SDK pins: release tag {@code b10470}. */
    public static final int BUILD = 10470;
    /** The engines directory. */
    public static final String ENGINES_DIR_KEY = EnginesDirectory.KEY;
    /** Where release assets are downloaded from: {@code <this>/<tag>/<asset>}. */
    public static final String DOWNLOADS_KEY = "llamaserver.release.url";
    /** Where GitHub's release API answers for llama.cpp's releases: {@code <this>/tags/<tag>}. */
    public static final String API_KEY = "llamaserver.release.api.url";
    /**
     * The time limit of each HTTP answer, as an ISO-8601 duration or seconds; archives come in ranged
     * requests of up to 16 MiB, each of which must arrive within twice this (60 s: at 140 kB/s at least).
     */
    public static final String TIMEOUT_KEY = "llamaserver.download.timeout";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final EnginesDirectory engines;
    private final EngineInstallation installation;

    private LlamaServerInstaller(Builder b) {
        LocalLlmConfig config = b.config != null ? b.config : LocalLlmConfig.load(Map.of(), Map.of());
        this.engines = EnginesDirectory.of(config);
        Duration timeout = config.getDuration(TIMEOUT_KEY).orElse(DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException(config.value(TIMEOUT_KEY).map(ConfigValue::toString).orElse(TIMEOUT_KEY)
                    + " must be positive; give seconds or an ISO-8601 duration such as PT60S");
        }
        this.installation = new EngineInstallation(engines, ReleaseTable.bundled(),
                address(config, DOWNLOADS_KEY, ReleaseTable.OFFICIAL_DOWNLOADS),
                address(config, API_KEY, ReleaseTable.OFFICIAL_API), timeout, b.listener);
    }

    /** @return a builder with the configuration of this process and no listener */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Says what {@link #install(Platform, Accelerator)} would download, from where, how large, with
     * which digest, and where it would go. Makes no network request.
     *
     * @param platform the platform to run on, e.g. {@code Platform.current().orElseThrow()}
     * @param accelerator the compute backend wanted; when the build publishes none for the platform,
     *     the nearest one is planned and {@link InstallPlan#notes()} says so (CUDA on Linux: Vulkan)
     * @return the plan
     * @throws EngineInstallException ({@link EngineInstallException.Reason#UNSUPPORTED_PLATFORM}) if nothing
     *     is published for the platform
     */
    public InstallPlan plan(Platform platform, Accelerator accelerator) {
        return installation.plan(BUILD, platform, accelerator);
    }

    /**
     * Installs the variant {@link #plan(Platform, Accelerator)} names, unless it is installed already.
     * Reports progress to the listener as {@link io.github.localllm.event.EngineInstallProgress} events.
     *
     * @return the installed {@code llama-server} executable
     * @throws EngineInstallException if an archive is missing, cannot be downloaded, differs from the
     *     published one, or is unsafe or damaged ({@link EngineInstallException#reason()} says which);
     *     nothing half-installed is left behind
     * @throws StorageException if the engines directory cannot be written (a full disk, permissions)
     */
    public Path install(Platform platform, Accelerator accelerator) {
        return installation.install(BUILD, platform, accelerator);
    }

    /** @return the installed server for the variant {@link #plan(Platform, Accelerator)} names, if it is installed */
    public Optional<Path> installed(Platform platform, Accelerator accelerator) {
        InstallPlan plan = plan(platform, accelerator);
        return plan.installed() ? Optional.of(plan.server()) : Optional.empty();
    }

    /** @return the engines directory, where each build and variant has a directory {@code b<build>/<variant>} */
    public Path enginesDirectory() {
        return engines.root();
    }

    private static URI address(LocalLlmConfig config, String key, URI fallback) {
        Optional<ConfigValue> value = config.value(key);
        if (value.isEmpty() || value.get().value().isBlank()) {
            return fallback;
        }
        try {
            URI uri = new URI(value.get().value().strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigurationException(value.get().key() + " (" + value.get().source().name().toLowerCase(Locale.ROOT)
                + ": " + value.get().origin() + ") must be an http(s) address without query or credentials, such as "
                + fallback);
    }

    /** Settings of a {@link LlamaServerInstaller}. */
    public static final class Builder {
        private LocalLlmConfig config;
        private LocalLlmEventListener listener = event -> { };

        private Builder() {
        }

        /**
         * @param config where the engines directory, the download and API addresses and the timeout
         *     are read; default: the configuration of this process ({@code -Dlocalllm.llamaserver.engines.dir=...},
         *     {@code LOCALLLM_LLAMASERVER_ENGINES_DIR}, the configuration files)
         * @return this builder
         */
        public Builder config(LocalLlmConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param listener told of each installation's progress, on the installing thread
         * @return this builder
         */
        public Builder listener(LocalLlmEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the installer
         * @throws ConfigurationException if a configured value is invalid
         */
        public LlamaServerInstaller build() {
            return new LlamaServerInstaller(this);
        }
    }
}
