package io.github.localllm.config;

/** Where a configuration value came from, highest precedence first. */
public enum ConfigSource {
    /** A call on {@link io.github.localllm.LocalLlm.Builder}. */
    BUILDER,
    /** A {@code -Dlocalllm.*} system property. */
    SYSTEM_PROPERTY,
    /** A {@code LOCALLLM_*} environment variable. */
    ENVIRONMENT,
    /** The encrypted key file, {@code ~/.config/localllm/keys.enc} unless {@code keys.file} names another: see {@link KeyFile}. */
    KEY_FILE,
    /** {@code .localllm.json} in the working directory. */
    PROJECT_FILE,
    /** {@code ~/.config/localllm/config.json} (or under {@code $XDG_CONFIG_HOME}). */
    USER_FILE,
    /** Chosen by the SDK from the machine and the model. */
    AUTO_DETECTED
}
