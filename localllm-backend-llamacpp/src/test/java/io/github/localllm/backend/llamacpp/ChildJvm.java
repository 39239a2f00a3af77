package io.github.localllm.backend.llamacpp;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code java} process running a main class of these tests, with their class path, started in the
 * background so that several can run at once. Its output goes to files, so a child that writes a lot
 * never blocks on a full pipe.
 */
final class ChildJvm {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startNanos = System.nanoTime();

    /** What the child did. {@code exited} is false when it had to be killed at the timeout. */
    record Result(boolean exited, int status, String stdout, String stderr, long millis) {
        String describe() {
            return "exited by itself: " + exited + ", status " + status + ", after " + millis + " ms\n--- stdout:\n"
                    + stdout + "--- stderr:\n" + stderr;
        }
    }

    private ChildJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * @param dir where the output files go
     * @param jvmOptions options before the class path, e.g. a fixed heap
     * @param mainClass the class to run
     * @param args its arguments
     */
    static ChildJvm start(Path dir, List<String> jvmOptions, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, mainClass.getSimpleName(), ".out");
        Path err = Files.createTempFile(dir, mainClass.getSimpleName(), ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildJvm(process, out, err);
    }

    /** Waits for the child to end by itself; kills it (and says so) at the timeout. */
    Result await(long timeoutSeconds) throws IOException, InterruptedException {
        boolean exited;
        try {
            exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return new Result(exited, process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8), millis);
    }

    /** Kills the child if it still runs. */
    void kill() {
        process.destroyForcibly();
    }

    /** Surefire may put dependencies on the module path; the child takes everything on its class path. */
    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                parts.add(value);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
