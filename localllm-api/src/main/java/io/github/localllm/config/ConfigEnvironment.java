package io.github.localllm.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What configuration is read from besides builder calls. {@link #system()} is the real
 * process; tests pass their own.
 *
 * @param systemProperties the system properties
 * @param environment the environment variables
 * @param workingDirectory where {@code .localllm.json} is looked for
 * @param userConfigFile the user's configuration file
 */
public record ConfigEnvironment(Map<String, String> systemProperties, Map<String, String> environment,
                                Path workingDirectory, Path userConfigFile) {

    /** Copies the maps. */
    public ConfigEnvironment {
        systemProperties = Map.copyOf(systemProperties);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(userConfigFile, "userConfigFile");
    }

    /** @return the default encrypted key file: {@code keys.enc} beside the user configuration file */
    public Path keyFile() {
        Path parent = userConfigFile.toAbsolutePath().getParent();
        return parent == null ? Path.of("keys.enc") : parent.resolve("keys.enc");
    }

    /** @return this process's properties, environment, working directory and user file */
    public static ConfigEnvironment system() {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        Map<String, String> env = System.getenv();
        String xdg = env.get("XDG_CONFIG_HOME");
        Path configHome = xdg != null && !xdg.isBlank()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new ConfigEnvironment(props, env, Path.of(System.getProperty("user.dir")),
                configHome.resolve("localllm").resolve("config.json"));
    }
}
