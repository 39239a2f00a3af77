package io.github.localllm.backend.openai;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code llama-server} started for a test on a free loopback port, and stopped for sure:
 * by {@link #close()}, and by a shutdown hook if the JVM ends first.
 *
 * <p>The binary is the system property {@code localllm.llamaserver.path}, the environment variable
 * {@code LLAMA_SERVER}, or {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/llama-server}
 * beside the project; the model {@code localllm.test.model} / {@code LOCALLLM_TEST_MODEL}, or
 * {@code ../shared/models/stories260K-f16.gguf} (see shared/engines/README.md).
 */
final class LlamaServerProcess implements AutoCloseable {
    private static final String ENGINE = "shared/engines/llama.cpp-b10470-linux-x64-cpu/llama-server";
    private static final String MODEL = "shared/models/stories260K-f16.gguf";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final URI uri;
    private final Thread hook;

    private LlamaServerProcess(Process process, Path log, URI uri) {
        this.process = process;
        this.log = log;
        this.uri = uri;
        this.hook = new Thread(process::destroyForcibly, "llama-server-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** @return the binary, or {@code null} with the reason in {@code why} */
    static Path binary(StringBuilder why) {
        return locate("llama-server", System.getProperty("localllm.llamaserver.path"), System.getenv("LLAMA_SERVER"),
                repositoryRoot().resolveSibling(ENGINE), why);
    }

    /** @return the model file, or {@code null} with the reason in {@code why} */
    static Path model(StringBuilder why) {
        return locate("test model", System.getProperty("localllm.test.model"), System.getenv("LOCALLLM_TEST_MODEL"),
                repositoryRoot().resolveSibling(MODEL), why);
    }

    /**
     * Starts the server and waits until {@code /health} answers 200.
     *
     * @param arguments what follows {@code -m model --host 127.0.0.1 --port N}
     */
    static LlamaServerProcess start(Path binary, Path model, String... arguments) throws IOException, InterruptedException {
        Path log = Files.createTempFile("llama-server", ".log");
        // A free port can be taken between the check and the server's bind: try a few.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(binary.toString(), "-m", model.toString(), "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--no-webui"));
            command.addAll(List.of(arguments));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LlamaServerProcess server = new LlamaServerProcess(p, log, URI.create("http://127.0.0.1:" + port));
            if (server.awaitHealthy()) {
                return server;
            }
            server.close();
            if (attempt == 3) {
                throw new IllegalStateException("llama-server did not start; its log:\n" + server.logTail());
            }
        }
    }

    /** @return {@code http://127.0.0.1:port/v1} */
    URI openAiBase() {
        return URI.create(uri + "/v1");
    }

    private boolean awaitHealthy() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri.resolve("/health")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting
            }
            Thread.sleep(50);
        }
        return false;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file
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

    private static Path locate(String what, String property, String environment, Path fallback, StringBuilder why) {
        String given = property != null && !property.isBlank() ? property : environment;
        Path path = given != null && !given.isBlank() ? Path.of(given) : fallback;
        if (Files.isRegularFile(path)) {
            return path;
        }
        why.append(what).append(" not found at ").append(path).append(given == null ? " (set "
                + (what.equals("llama-server") ? "LLAMA_SERVER or -Dlocalllm.llamaserver.path" : "LOCALLLM_TEST_MODEL or"
                + " -Dlocalllm.test.model") + ")" : "").append("; ");
        return null;
    }
}
