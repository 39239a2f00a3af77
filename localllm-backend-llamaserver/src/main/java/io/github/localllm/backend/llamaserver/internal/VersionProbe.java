package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.backend.llamaserver.LlamaServerBinaryException;
import io.github.localllm.backend.llamaserver.LlamaServerBinaryException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code llama-server --version} and reads the build from what it prints (on standard error):
 * {@code version: 0.1.1-dev (build 10470, commit 34af94cd9)} since late 2025, and
 * {@code version: 4916 (6d4a9ab1)} before. Anything else means the file is not llama.cpp's server.
 */
final class VersionProbe {
    /** The current form, b10470 among others. */
    private static final Pattern CURRENT = Pattern.compile("version: \\S+ \\(build (\\d+), commit ([0-9a-fA-F]+)\\)");
    /** The older form. */
    private static final Pattern OLDER = Pattern.compile("version: (\\d+) \\(([0-9a-fA-F]+)\\)");
    /** A version line is short; a program that floods its output is not the server. */
    private static final int MAX_OUTPUT = 64 * 1024;

    private VersionProbe() {
    }

    /**
     * @param path the binary
     * @param foundBy how it was found, kept in the result
     * @param timeout how long it may take to answer
     * @return the binary with its build
     * @throws LlamaServerBinaryException if it cannot be run, or does not answer like llama-server
     */
    static ServerBinary probe(Path path, String foundBy, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(List.of(path.toString(), "--version")).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new LlamaServerBinaryException(Reason.NOT_EXECUTABLE, path, path + " (" + foundBy
                    + ") cannot be run: " + e.getMessage() + ". Check that it is a llama-server built for this platform"
                    + " and that this user may execute it (chmod +x)");
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // its input is not needed
        }
        OutputCollector output = new OutputCollector(process.getInputStream());
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            throw new LlamaServerBinaryException(Reason.NOT_LLAMA_SERVER, path, "interrupted while asking " + path
                    + " for its version");
        }
        if (!finished) {
            kill(process);
            throw new LlamaServerBinaryException(Reason.NOT_LLAMA_SERVER, path, path + " (" + foundBy + ") did not"
                    + " answer `--version` within " + timeout.toMillis() + " ms, as llama-server does at once; it is"
                    + " probably another program. Point llamaserver.path (or LLAMA_SERVER) at llama.cpp's llama-server");
        }
        String text = output.text();
        Matcher m = CURRENT.matcher(text);
        if (!m.find()) {
            m = OLDER.matcher(text);
            if (!m.find()) {
                throw new LlamaServerBinaryException(Reason.NOT_LLAMA_SERVER, path, path + " (" + foundBy + ") is not"
                        + " llama.cpp's llama-server: `--version` exited with " + process.exitValue() + " and printed "
                        + quote(text) + " instead of a line like 'version: 0.1.1-dev (build 10470, commit 34af94cd9)'."
                        + " Point llamaserver.path (or LLAMA_SERVER) at llama.cpp's llama-server");
            }
        }
        int build;
        try {
            build = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new LlamaServerBinaryException(Reason.NOT_LLAMA_SERVER, path, path + " (" + foundBy + ") reports"
                    + " a build number that is not one: " + quote(text));
        }
        return new ServerBinary(path, build, m.group(2), foundBy);
    }

    private static String quote(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return "nothing";
        }
        return "'" + (t.length() > 300 ? t.substring(0, 300) + "..." : t) + "'";
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a process's output on a daemon thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class OutputCollector {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread reader;

        OutputCollector(InputStream in) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, Math.max(0, Math.min(n, MAX_OUTPUT - bytes.size())));
                        }
                    }
                } catch (IOException e) {
                    // the process ended or was killed; what was read is kept
                }
            }, "llama-server-version");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            try {
                // The pipe ends with the process; a grandchild holding it open must not hold us.
                reader.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
