package io.github.localllm.hardware;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The real llama.cpp executables for integration tests: {@code llama-server} from the system property
 * {@code localllm.llamaserver.path}, the environment variable {@code LLAMA_SERVER}, or
 * {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/} beside the project (see that folder's
 * README), and {@code llama-quantize} beside it. Without them a test is skipped with the reason, except
 * under {@code CI=true}, where it fails: CI always has them.
 */
final class RealLlamaCpp {
    private static final String ENGINE = "shared/engines/llama.cpp-b10470-linux-x64-cpu/llama-server";
    private static final Pattern BUILD = Pattern.compile("build (\\d+)");

    private RealLlamaCpp() {
    }

    /** @return the server binary; skips (or fails under CI) when there is none */
    static Path server() {
        String given = System.getProperty("localllm.llamaserver.path");
        if (given == null || given.isBlank()) {
            given = System.getenv("LLAMA_SERVER");
        }
        Path path = given != null && !given.isBlank() ? Path.of(given) : repositoryRoot().resolveSibling(ENGINE);
        if (!Files.isRegularFile(path)) {
            unavailable("llama-server not found at " + path + (given == null ? " (set LLAMA_SERVER or"
                    + " -Dlocalllm.llamaserver.path)" : ""));
        }
        return path;
    }

    /** @return {@code llama-quantize} beside the server; skips (or fails under CI) when there is none */
    static Path quantize(Path server) {
        Path path = server.resolveSibling(server.getFileName().toString().endsWith(".exe") ? "llama-quantize.exe"
                : "llama-quantize");
        if (!Files.isRegularFile(path)) {
            unavailable("llama-quantize not found beside " + server);
        }
        return path;
    }

    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + " (CI=true: this integration test must run)");
        }
        Assumptions.abort(why);
    }

    /** @return the build number {@code --version} prints ({@code version: ... (build 10470, commit ...)}) */
    static int build(Path server, Path dir) throws IOException, InterruptedException {
        String out = run(List.of(server.toString(), "--version"), dir, Duration.ofSeconds(30));
        Matcher m = BUILD.matcher(out);
        if (!m.find()) {
            throw new AssertionError(server + " --version printed no build number:\n" + out);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Runs a command to its end and returns its output, stdout and stderr together. */
    static String run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "llama", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command.get(0) + " did not finish in " + timeout);
            }
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Starts {@code llama-server} on a free loopback port, waits until its log says it listens, stops it,
     * and returns everything it logged: the load's buffer lines need {@code -lv 4}.
     */
    static String loadLog(Path server, Path model, Path dir, String... arguments) throws IOException,
            InterruptedException {
        // In the test's own directory: other programs clean up shared temporary files by name.
        Path log = Files.createTempFile(dir, "llama-server", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(server.toString(), "-m", model.toString(), "--host",
                    "127.0.0.1", "--port", Integer.toString(freePort()), "-lv", "4", "--no-warmup"));
            command.addAll(List.of(arguments));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (true) {
                    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
                    if (text.contains("listening on")) {
                        return text;
                    }
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("llama-server did not come up; it logged:\n" + text);
                    }
                    Thread.sleep(100);
                }
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The project root: the nearest directory up from here with the Maven wrapper. */
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
