package io.github.localllm.backend.llamaserver.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last lines a server printed, read on a daemon thread until its output ends: each line is logged
 * at debug level and kept in a bounded ring, so that a failure can quote what the server said
 * (port in use, out of memory, unknown architecture, bad file) without the output filling the heap.
 */
public final class OutputTail {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.localllm.backend.llamaserver.server");
    /** Lines kept; a failure quotes fewer. */
    static final int KEPT = 200;
    /** A longer line is cut: one line must not hold megabytes. */
    private static final int MAX_LINE = 2000;
    /**
     * How long to wait for the output of a process that has ended: its pipe is then at its end, but
     * the reader may not have run yet on a loaded machine (seen: more than a second with 17 runnable
     * threads on 2 cores).
     */
    public static final Duration AFTER_EXIT = Duration.ofSeconds(5);
    /** Colour codes, in case a build colours its log although its output is a pipe. */
    private static final Pattern ANSI = Pattern.compile("\\x1B\\[[0-9;]*[A-Za-z]");

    private final ArrayDeque<String> lines = new ArrayDeque<>(KEPT);
    private final Thread reader;
    private final String name;
    private final java.util.function.Consumer<String> onLine;
    private long count;

    private OutputTail(InputStream output, String name, java.util.function.Consumer<String> onLine) {
        this.name = name;
        this.onLine = onLine;
        this.reader = new Thread(() -> read(output), name + "-output");
        reader.setDaemon(true);
    }

    /**
     * Starts reading.
     *
     * @param output the server's standard output, with its standard error merged in
     * @param name how log lines name the server, such as {@code llama-server[1234]}
     * @return the tail, filling as the server prints
     */
    public static OutputTail follow(InputStream output, String name) {
        return follow(output, name, line -> { });
    }

    /**
     * Starts reading, and shows each line to {@code onLine} too, on the reading thread.
     *
     * @param output the server's standard output, with its standard error merged in
     * @param name how log lines name the server
     * @param onLine sees each line as it is kept; its failures are logged, not thrown
     * @return the tail, filling as the server prints
     */
    public static OutputTail follow(InputStream output, String name, java.util.function.Consumer<String> onLine) {
        OutputTail tail = new OutputTail(output, name, onLine);
        tail.reader.start();
        return tail;
    }

    private void read(InputStream output) {
        // The server's log is UTF-8 but may print bytes of a model's vocabulary: never fail on them.
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, decoder))) {
            String line;
            while ((line = in.readLine()) != null) {
                add(line);
            }
        } catch (IOException e) {
            LOG.debug("{}: its output ended: {}", name, e.toString());
        }
    }

    private void add(String raw) {
        String line = ANSI.matcher(raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) + "..." : raw).replaceAll("")
                .stripTrailing();
        if (line.isEmpty()) {
            return;
        }
        LOG.debug("{}: {}", name, line);
        synchronized (lines) {
            if (lines.size() == KEPT) {
                lines.removeFirst();
            }
            lines.addLast(line);
            count++;
            lines.notifyAll();
        }
        try {
            onLine.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("{}: reading its line failed: {}", name, e.toString());
        }
    }

    /**
     * Waits until the output has ended (the server exited and its pipe was read to the end).
     *
     * @param timeout the longest wait
     * @return whether it ended
     */
    public boolean awaitEnd(Duration timeout) {
        try {
            reader.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !reader.isAlive();
    }

    /** @param n how many @return the last {@code n} lines, oldest first */
    public List<String> last(int n) {
        synchronized (lines) {
            List<String> all = new ArrayList<>(lines);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        }
    }

    /** @param fragment text to look for, in lower case @return whether a kept line contains it, ignoring case */
    public boolean contains(String fragment) {
        synchronized (lines) {
            for (String line : lines) {
                if (line.toLowerCase(java.util.Locale.ROOT).contains(fragment)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return lines read so far, kept or not */
    public long count() {
        synchronized (lines) {
            return count;
        }
    }

    /**
     * @param n how many lines
     * @return the last {@code n} lines as a message quotes them: indented, one a line; or a note that there were none
     */
    public String quote(int n) {
        List<String> last = last(n);
        if (last.isEmpty()) {
            return " It printed nothing.";
        }
        StringBuilder sb = new StringBuilder(" Its last output:");
        for (String line : last) {
            sb.append("\n  ").append(line);
        }
        return sb.toString();
    }
}
