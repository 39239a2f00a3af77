package io.github.localllm.hardware;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tools as real processes, killing them (and their children) when the limit passes. */
final class ProcessCommandRunner implements CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);
    /** Tool output we care about is a few kilobytes; a runaway tool must not fill the heap. */
    private static final int MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
    /** After the process ends, its pipes drain quickly; a grandchild holding them must not hold us. */
    private static final long DRAIN_MILLIS = 500;

    @Override
    public CommandResult run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} could not start: {}", command.get(0), e.getMessage());
            return new CommandResult.NotFound(command, String.valueOf(e.getMessage()));
        }
        closeQuietly(process);
        // Both pipes are read concurrently: a tool that fills stderr must not block on it while we read stdout.
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return new CommandResult.TimedOut(command, timeout);
        }
        if (!finished) {
            kill(process);
            LOG.debug("{} did not finish within {} ms; killed", command.get(0), timeout.toMillis());
            return new CommandResult.TimedOut(command, timeout);
        }
        return new CommandResult.Completed(command, process.exitValue(), collect(stdout), collect(stderr));
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.trace("closing stdin failed", e);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    if (out.size() < MAX_OUTPUT_BYTES) {
                        out.write(buffer, 0, Math.min(n, MAX_OUTPUT_BYTES - out.size()));
                    }
                }
                result.complete(out.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("");
            }
        }, "localllm-tool-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static String collect(CompletableFuture<String> output) {
        try {
            return output.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}
