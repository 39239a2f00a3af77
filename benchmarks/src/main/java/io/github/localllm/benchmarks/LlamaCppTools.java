package io.github.localllm.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real llama.cpp executables the benchmarks run: {@code llama-server} from
 * {@code -Dlocalllm.llamaserver.path}, the variable {@code LLAMA_SERVER}, or
 * {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/} beside the project (as the tests find it);
 * {@code llama-quantize} and {@code llama-bench} beside it.
 */
final class LlamaCppTools {
    private static final String ENGINE = "shared/engines/llama.cpp-b10470-linux-x64-cpu/llama-server";

    private LlamaCppTools() {
    }

    /** @return the server binary */
    static Path server() {
        String given = System.getProperty("localllm.llamaserver.path");
        if (given == null || given.isBlank()) {
            given = System.getenv("LLAMA_SERVER");
        }
        Path path = given != null && !given.isBlank() ? Path.of(given) : repositoryRoot().resolveSibling(ENGINE);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no llama-server at " + path + "; set -Dlocalllm.llamaserver.path (with"
                    + " -jvmArgsAppend) or LLAMA_SERVER to the binary, with llama-quantize and llama-bench beside it");
        }
        return path.toAbsolutePath();
    }

    /** @return {@code llama-quantize} beside the server */
    static Path quantize() {
        return beside("llama-quantize");
    }

    /** @return {@code llama-bench} beside the server */
    static Path bench() {
        return beside("llama-bench");
    }

    private static Path beside(String name) {
        Path server = server();
        Path path = server.resolveSibling(server.getFileName().toString().endsWith(".exe") ? name + ".exe" : name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no " + name + " beside " + server);
        }
        return path;
    }

    /**
     * Runs a command to its end.
     *
     * @return its standard output (its standard error goes to a file, quoted if it fails)
     */
    static String run(List<String> command, Duration timeout) {
        try {
            Path err = Files.createTempFile("localllm-bench", ".err");
            Path out = Files.createTempFile("localllm-bench", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                            + ":\n" + Files.readString(err, StandardCharsets.ISO_8859_1));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** The project root: the nearest directory up from the working directory with the Maven wrapper. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("localllm-api"))) {
                return p;
            }
        }
        return dir;
    }
}
