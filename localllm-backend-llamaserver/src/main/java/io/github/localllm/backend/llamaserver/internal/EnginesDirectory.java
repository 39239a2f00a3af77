package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the SDK keeps the engines it installs: {@code ~/.localllm/engines}, or the configured
 * {@value #KEY}. Each build and variant has its own directory, {@code b<build>/<variant>/}, which
 * exists complete or not at all: the installer unpacks beside it, writes {@value #MARKER} last and
 * moves the whole directory into place in one atomic rename. A variant directory without the
 * marker is not an installed engine. Names starting with a dot below a build's directory are the
 * installer's own (downloads in progress, locks) and never variants.
 */
public final class EnginesDirectory {
    /** The configuration key of the engines directory. */
    public static final String KEY = "llamaserver.engines.dir";
    /** The file in a variant directory that says it is complete; written last. */
    public static final String MARKER = ".installed.json";

    private static final Pattern VARIANT = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    private final Path root;

    private EnginesDirectory(Path root) {
        this.root = root;
    }

    /**
     * @param config the configuration; {@value #KEY} names the directory ({@code ~} stands for the
     *     home directory), else {@code ~/.localllm/engines}
     * @return the engines directory
     * @throws ConfigurationException if the configured value is not a valid path
     */
    public static EnginesDirectory of(LocalLlmConfig config) {
        Optional<ConfigValue> value = config.value(KEY);
        if (value.isEmpty() || value.get().value().isBlank()) {
            return new EnginesDirectory(home().resolve(".localllm").resolve("engines"));
        }
        String text = value.get().value().strip();
        try {
            Path path = text.equals("~") ? home()
                    : text.startsWith("~/") || text.startsWith("~\\") ? home().resolve(text.substring(2))
                    : Path.of(text);
            return new EnginesDirectory(path.toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new ConfigurationException(value.get() + " is not a valid path (" + e.getReason()
                    + "); give a directory such as ~/.localllm/engines");
        }
    }

    /** @return an engines directory at {@code root}, for tests and embedding */
    public static EnginesDirectory at(Path root) {
        return new EnginesDirectory(Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
    }

    /** @return the engines directory, absolute */
    public Path root() {
        return root;
    }

    /** @return the directory of all variants of a build: {@code <root>/b<build>} */
    public Path forBuild(int build) {
        if (build <= 0) {
            throw new IllegalArgumentException("a build number is positive, got " + build);
        }
        return root.resolve("b" + build);
    }

    /**
     * @param build a llama.cpp build number, e.g. {@code 10470}
     * @param variant a variant name, e.g. {@code linux-x64-cpu}: lower case letters, digits, dots and dashes
     * @return {@code <root>/b<build>/<variant>}
     */
    public Path forBuild(int build, String variant) {
        Objects.requireNonNull(variant, "variant");
        if (!VARIANT.matcher(variant).matches()) {
            throw new IllegalArgumentException("'" + variant + "' is not a variant name such as linux-x64-cpu");
        }
        return forBuild(build).resolve(variant);
    }

    /** @return whether {@code variantDirectory} holds a complete installation (its marker is there) */
    public static boolean isComplete(Path variantDirectory) {
        return Files.isRegularFile(variantDirectory.resolve(MARKER));
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }
}
