package io.github.localllm.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a keystore's command-line tool. Secrets go through standard input only, never the
 * command line, which other local users can read.
 *
 * @param exitCode the tool's exit code, or -1 if it could not run or did not finish in time
 * @param stdout what it printed
 * @param problem why it could not run, or {@code null}
 */
record ToolRun(int exitCode, String stdout, String problem) {
    private static final long TIMEOUT_SECONDS = 60;

    static ToolRun of(List<String> command, String stdin) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return new ToolRun(-1, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // A tool that does not read its input fails below by its exit code.
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new ToolRun(-1, "", command.get(0) + " did not finish within " + TIMEOUT_SECONDS
                        + " s (is it waiting for a keystore to be unlocked?)");
            }
            return new ToolRun(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), null);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new ToolRun(-1, "", "interrupted while " + command.get(0) + " ran");
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    boolean ok() {
        return exitCode == 0;
    }

    /** @return why the run failed, without anything it printed (which could hold a secret) */
    String failure() {
        return problem != null ? problem : "exit code " + exitCode;
    }
}
