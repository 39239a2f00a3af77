package io.github.localllm.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code llama-server} started and spoken to without the SDK: the process from a command line
 * given whole, and streamed {@code POST /v1/completions} through the JDK's {@link HttpClient}, its
 * server-sent events read as lines. What the SDK adds on top of this is its cost.
 */
final class BareLlamaServer implements AutoCloseable {
    private static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");

    private final Process process;
    private final List<String> command;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI completions;
    private final String key;

    private BareLlamaServer(Process process, List<String> command, int port, String key) {
        this.process = process;
        this.command = command;
        this.completions = URI.create("http://127.0.0.1:" + port + "/v1/completions");
        this.key = key;
    }

    /** @return the one {@code llama-server} this JVM runs as its child */
    static ProcessHandle child() {
        List<ProcessHandle> servers = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("llama-server")).orElse(false)).toList();
        if (servers.size() != 1) {
            throw new IllegalStateException("expected one llama-server child process, found " + servers.size());
        }
        return servers.get(0);
    }

    /**
     * The command line of the one {@code llama-server} this JVM runs as its child, read from the
     * system ({@link ProcessHandle.Info#arguments()}): the engine's own choice of arguments.
     *
     * @return the binary and its arguments
     */
    static List<String> childCommandLine() {
        ProcessHandle server = child();
        ProcessHandle.Info info = server.info();
        List<String> out = new ArrayList<>();
        out.add(info.command().orElseThrow());
        out.addAll(List.of(info.arguments().orElseThrow(() -> new IllegalStateException(
                "the system does not tell the arguments of pid " + server.pid()))));
        return out;
    }

    /**
     * Starts the server with {@code commandLine} on a new free port and a new API key (in its
     * environment, as the engine passes it), and waits until {@code /health} answers 200.
     *
     * @param commandLine binary and arguments, with a {@code --port} whose value is replaced
     * @param loadTimeout how long loading may take
     * @return the ready server
     */
    static BareLlamaServer start(List<String> commandLine, Duration loadTimeout) {
        List<String> command = new ArrayList<>(commandLine);
        int at = command.indexOf("--port");
        if (at < 0 || at + 1 >= command.size()) {
            throw new IllegalArgumentException("no --port in " + command);
        }
        int port = freePort();
        command.set(at + 1, Integer.toString(port));
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = HexFormat.of().formatHex(random);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(n -> n.startsWith("LLAMA_ARG_") || n.equals("LLAMA_API_KEY"));
        builder.environment().put("LLAMA_API_KEY", key);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        BareLlamaServer server = new BareLlamaServer(p, List.copyOf(command), port, key);
        try {
            server.awaitHealthy(loadTimeout);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitHealthy(Duration timeout) {
        HttpRequest health = HttpRequest.newBuilder(completions.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("llama-server exited with " + process.exitValue() + ": " + command);
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("llama-server not ready within " + timeout + ": " + command);
    }

    /** @return the command line it runs */
    List<String> command() {
        return command;
    }

    /**
     * Sends one streamed completion and reads its events.
     *
     * @param body the request's JSON
     * @param untilFirstText stop at the first event that carries text (closing the stream cancels the rest)
     * @param texts given each event's text as it stands on the wire (escaped)
     * @return the answer's {@code completion_tokens} (from the usage event), or -1 if not read to the end
     */
    int complete(byte[] body, boolean untilFirstText, Consumer<String> texts) {
        HttpRequest request = HttpRequest.newBuilder(completions).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("llama-server answered " + response.statusCode() + ": " + events.readLine());
            }
            int tokens = -1;
            String line;
            while ((line = events.readLine()) != null) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                if (line.startsWith("[DONE]", 6)) {
                    break;
                }
                Matcher text = TEXT.matcher(line);
                if (text.find() && text.end(1) > text.start(1)) {
                    texts.accept(text.group(1));
                    if (untilFirstText) {
                        return -1;
                    }
                }
                Matcher usage = COMPLETION_TOKENS.matcher(line);
                if (usage.find()) {
                    tokens = Integer.parseInt(usage.group(1));
                }
            }
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server: asked first, killed after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
