package io.github.localllm.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FakeStreamServer} in a child JVM, started from the benchmark's own class path, so the
 * server's threads, allocations and garbage collections stay out of the client's measurements.
 * Closing it closes the child's standard input, which ends it; it is killed if it lingers.
 */
final class ChildServer implements AutoCloseable {
    private final Process process;
    private final URI ollama;
    private final URI openAi;
    private final String banner;

    private ChildServer(Process process, URI ollama, URI openAi, String banner) {
        this.process = process;
        this.ollama = ollama;
        this.openAi = openAi;
        this.banner = banner;
    }

    /**
     * Starts the child and waits until it listens.
     *
     * @param tokens the tokens of every streamed answer
     * @param writes {@code line} or {@code batch}: how the server writes a stream's chunks, see
     *     {@link FakeStreamServer.Writes}
     * @return the running server
     */
    static ChildServer start(long tokens, String writes) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                FakeStreamServer.class.getName(), Long.toString(tokens),
                FakeStreamServer.Writes.parse(writes).name()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake server's JVM (" + java + ")", e);
        }
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ollama=")) {
                throw new IllegalStateException("the fake server's JVM did not start (exit "
                        + (p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : "none") + "), it said: " + line);
            }
            String[] fields = line.split(" ");
            return new ChildServer(p, URI.create(value(fields[0])), URI.create(value(fields[1])), line);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("the fake server did not start", e);
        }
    }

    private static String value(String field) {
        return field.substring(field.indexOf('=') + 1);
    }

    /** @return the fake Ollama's base address */
    URI ollama() {
        return ollama;
    }

    /** @return the fake llama.cpp server's base address (its OpenAI-compatible API is under {@code /v1}) */
    URI openAi() {
        return openAi;
    }

    /** @return what the child printed when ready: addresses, tokens per answer, bytes per token line */
    String banner() {
        return banner;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
