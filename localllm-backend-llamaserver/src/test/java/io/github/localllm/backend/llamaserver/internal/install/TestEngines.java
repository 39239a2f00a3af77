package io.github.localllm.backend.llamaserver.internal.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/**
 * Archives in the layout of llama.cpp's releases, for the tests, and the real {@code llama-server}
 * they can be made from: the system property {@code localllm.llamaserver.path}, the environment
 * variable {@code LLAMA_SERVER}, or {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/} beside
 * the project (see shared/engines/README.md). Tests that need it skip when it is absent, and fail
 * when {@code CI=true}.
 */
public final class TestEngines {
    private static final String ENGINE = "shared/engines/llama.cpp-b10470-linux-x64-cpu";
    /** A server that answers {@code --version} as b10470 does, for tests that do not run the real one. */
    public static final byte[] SCRIPT_SERVER = ("#!/bin/sh\necho 'version: 0.1.1-dev (build 10470, commit 34af94cd9)' >&2\n")
            .getBytes(StandardCharsets.UTF_8);

    private TestEngines() {
    }

    /** @return the real llama-server's directory; skips the test (fails it under CI=true) when absent */
    public static Path realEngine() {
        String given = System.getProperty("localllm.llamaserver.path");
        if (given == null || given.isBlank()) {
            given = System.getenv("LLAMA_SERVER");
        }
        Path server = given != null && !given.isBlank() ? Path.of(given)
                : repositoryRoot().resolveSibling(ENGINE).resolve("llama-server");
        if (!Files.isRegularFile(server)) {
            String why = "no real llama-server at " + server + " (set LLAMA_SERVER or -Dlocalllm.llamaserver.path)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI=true: the test must run)");
            }
            Assumptions.abort(why);
        }
        return server.getParent();
    }

    /**
     * @param server the server's bytes
     * @param license the LICENSE file's bytes
     * @param filler bytes of incompressible filler in another file, to make the archive that large
     * @return a {@code .tar.gz} laid out as llama.cpp's Linux releases: everything in {@code llama-b10470/},
     *     shared libraries with their versioned names behind symbolic links
     */
    public static byte[] linuxArchive(byte[] server, byte[] license, int filler) {
        byte[] random = new byte[filler];
        new Random(10470).nextBytes(random);
        return new TarBuilder()
                .directory("llama-b10470/")
                .file("llama-b10470/LICENSE", license, 0644)
                .file("llama-b10470/libggml-base.so.0.0.10470", random, 0644)
                .symlink("llama-b10470/libggml-base.so.0", "libggml-base.so.0.0.10470")
                .symlink("llama-b10470/libggml-base.so", "libggml-base.so.0")
                .file("llama-b10470/llama-server", server, 0755)
                .gzip();
    }

    /** @return the real engine's directory made into an archive as {@link #linuxArchive} */
    public static byte[] realLinuxArchive(Path engine) {
        try {
            return linuxArchive(Files.readAllBytes(engine.resolve("llama-server")),
                    Files.readAllBytes(engine.resolve("LICENSE")), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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
