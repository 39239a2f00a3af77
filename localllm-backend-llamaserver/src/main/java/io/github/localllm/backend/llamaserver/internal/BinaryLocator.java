package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.backend.llamaserver.LlamaServerBinaryException;
import io.github.localllm.backend.llamaserver.LlamaServerBinaryException.Reason;
import io.github.localllm.backend.llamaserver.Platform;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code llama-server} to run, in this order: the configuration ({@code llamaserver.path},
 * a file or the folder holding it), the {@code LLAMA_SERVER} environment variable, the SDK's engines
 * directory (the newest build the installer completed; among its variants the one
 * {@code llamaserver.variant} names, else this platform's installed last), then {@code PATH}. A binary that is named explicitly is used or refused,
 * never passed over for another; each is asked for its {@code --version}, and one older than the
 * minimum build is refused with what to do.
 */
public final class BinaryLocator {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryLocator.class);
    /** The configuration key of the binary. */
    public static final String PATH_KEY = "llamaserver.path";
    /** The configuration key of the variant to prefer in the engines directory. */
    public static final String VARIANT_KEY = "llamaserver.variant";
    /** The environment variable of the binary, as the project's tests and scripts use it. */
    public static final String ENV = "LLAMA_SERVER";
    private static final Pattern BUILD_DIR = Pattern.compile("b(\\d+)");
    /** A binary does not change while its size and time stay: its version is read once per process. */
    private static final Map<String, ServerBinary> KNOWN = new ConcurrentHashMap<>();

    private final LocalLlmConfig config;
    private final UnaryOperator<String> env;
    private final Duration versionTimeout;
    private final int minimumBuild;

    /**
     * @param config where {@code llamaserver.path}, {@code llamaserver.variant} and the engines directory are set
     * @param env the environment ({@code LLAMA_SERVER}, {@code PATH})
     * @param versionTimeout how long {@code --version} may take
     * @param minimumBuild the oldest build accepted
     */
    public BinaryLocator(LocalLlmConfig config, UnaryOperator<String> env, Duration versionTimeout, int minimumBuild) {
        this.config = config;
        this.env = env;
        this.versionTimeout = versionTimeout;
        this.minimumBuild = minimumBuild;
    }

    /** @return the executable's file name here: {@code llama-server}, or {@code llama-server.exe} on Windows */
    public static String executableName() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                ? Platform.WINDOWS_X64.serverFileName() : Platform.LINUX_X64.serverFileName();
    }

    /**
     * @return the binary to run
     * @throws LlamaServerBinaryException if none is found, or the one found cannot be used
     */
    public ServerBinary locate() {
        Optional<ConfigValue> configured = config.value(PATH_KEY);
        if (configured.isPresent()) {
            return explicit(configured.get().value(), PATH_KEY + " (" + Where.of(configured.get()) + ")");
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return explicit(fromEnv, "the environment variable " + ENV);
        }
        EnginesDirectory engines = EnginesDirectory.of(config);
        LlamaServerBinaryException firstFailure = null;
        for (Path candidate : installed(engines)) {
            try {
                return check(candidate, "the engines directory " + engines.root());
            } catch (LlamaServerBinaryException e) {
                LOG.warn("passing over {}: {}", candidate, e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        Optional<Path> onPath = onPath();
        if (onPath.isPresent()) {
            return check(onPath.get(), "PATH");
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        throw new LlamaServerBinaryException(Reason.NOT_FOUND, null, "no llama-server found: " + PATH_KEY + " and "
                + ENV + " are not set, the engines directory " + engines.root() + " holds no build, and no directory"
                + " on PATH has " + executableName() + ". Install one into the engines directory with"
                + " LlamaServerInstaller.builder().build().install(platform, accelerator), or download llama.cpp's"
                + " release for this machine from"
                + " https://github.com/ggml-org/llama.cpp/releases and set " + PATH_KEY + " (or " + ENV + ") to its "
                + executableName());
    }

    private ServerBinary explicit(String given, String foundBy) {
        Path path;
        try {
            path = Path.of(given.strip());
        } catch (InvalidPathException e) {
            throw new LlamaServerBinaryException(Reason.NOT_FOUND, null, foundBy + " is '" + given + "', which is"
                    + " not a path here (" + e.getReason() + "); set it to llama.cpp's " + executableName());
        }
        if (Files.isDirectory(path)) {
            Path inside = path.resolve(executableName());
            if (!Files.exists(inside)) {
                throw new LlamaServerBinaryException(Reason.NOT_FOUND, inside, foundBy + " names the folder " + path
                        + ", which holds no " + executableName() + "; set it to the executable itself");
            }
            path = inside;
        }
        if (!Files.exists(path)) {
            throw new LlamaServerBinaryException(Reason.NOT_FOUND, path, foundBy + " names " + path + ", which does"
                    + " not exist (resolved to " + path.toAbsolutePath() + "); fix the path, or unset it to let the SDK"
                    + " look in its engines directory and on PATH");
        }
        return check(path, foundBy);
    }

    private ServerBinary check(Path path, String foundBy) {
        if (!Files.isRegularFile(path)) {
            throw new LlamaServerBinaryException(Reason.NOT_EXECUTABLE, path, path + " (" + foundBy + ") is not a"
                    + " regular file; point it at llama.cpp's " + executableName());
        }
        if (!Files.isExecutable(path)) {
            throw new LlamaServerBinaryException(Reason.NOT_EXECUTABLE, path, path + " (" + foundBy + ") is not"
                    + " executable by this user; make it so (chmod +x " + path + ") or point at another llama-server");
        }
        String key = identity(path);
        ServerBinary binary = key == null ? null : KNOWN.get(key);
        if (binary == null) {
            binary = VersionProbe.probe(path, foundBy, versionTimeout);
            if (key != null) {
                KNOWN.put(key, binary);
            }
        } else if (!binary.foundBy().equals(foundBy)) {
            binary = new ServerBinary(binary.path(), binary.build(), binary.commit(), foundBy);
        }
        if (binary.build() < minimumBuild) {
            throw new LlamaServerBinaryException(Reason.TOO_OLD, path, path + " (" + foundBy + ") is llama.cpp build "
                    + binary.version() + ", older than b" + minimumBuild + ", the oldest this SDK runs (it passes"
                    + " arguments older builds do not take). Install a newer build with LlamaServerInstaller, or"
                    + " download one from https://github.com/ggml-org/llama.cpp/releases and point " + PATH_KEY
                    + " at it");
        }
        LOG.debug("llama-server {} at {} (found by {})", binary.version(), path, foundBy);
        return binary;
    }

    /** @return what changes when the file is replaced: its real path, size and modification time */
    private static String identity(Path path) {
        try {
            Path real = path.toRealPath();
            FileTime modified = Files.getLastModifiedTime(real);
            return real + "|" + Files.size(real) + "|" + modified.toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @return the binaries the installer put in the engines directory, newest build first; within a
     *     build the variant {@code llamaserver.variant} names, else this platform's, the one installed
     *     last first. Only complete variants count (their marker written last, {@link EnginesDirectory#MARKER});
     *     names starting with a dot are the installer's work in progress.
     */
    List<Path> installed(EnginesDirectory engines) {
        Path root = engines.root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String variant = config.get(VARIANT_KEY).map(String::strip).orElse(null);
        String platform = Platform.current().map(p -> p.id() + "-").orElse("");
        List<Path> found = new ArrayList<>();
        for (Path build : children(root).stream().filter(p -> BUILD_DIR.matcher(p.getFileName().toString()).matches())
                .sorted(Comparator.comparingLong(BinaryLocator::buildNumber).reversed()).toList()) {
            children(build).stream()
                    .filter(v -> !v.getFileName().toString().startsWith(".") && EnginesDirectory.isComplete(v))
                    .filter(v -> variant == null ? v.getFileName().toString().startsWith(platform)
                            : v.getFileName().toString().equals(variant))
                    .sorted(Comparator.comparing(BinaryLocator::installedAt).reversed())
                    .map(v -> v.resolve(executableName()))
                    .filter(Files::isRegularFile)
                    .forEach(found::add);
        }
        return found;
    }

    private static long buildNumber(Path dir) {
        Matcher m = BUILD_DIR.matcher(dir.getFileName().toString());
        try {
            return m.matches() ? Long.parseLong(m.group(1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return when the variant was installed: its marker's time */
    private static FileTime installedAt(Path variantDir) {
        try {
            return Files.getLastModifiedTime(variantDir.resolve(EnginesDirectory.MARKER));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    private Optional<Path> onPath() {
        String path = env.apply("PATH");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir).resolve(executableName());
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry names nothing
            }
        }
        return Optional.empty();
    }
}
