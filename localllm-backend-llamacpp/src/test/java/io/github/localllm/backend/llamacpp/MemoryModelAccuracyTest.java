package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory model's estimate against what llama.cpp really takes: synthetic models of about 25M,
 * 100M and 300M parameters (Q8_0), each loaded at two context sizes with one thread, each context
 * filled by one prompt so that every buffer llama.cpp reserved is touched, and the process's
 * resident memory growth over the load compared with {@code MemoryModel.estimate(...).totalBytes()}.
 *
 * <p>The loads run in a child JVM ({@link MemoryAccuracyProbe}): the binding never frees a closed
 * model, so six loads would otherwise leave about 1 GB and their native threads in the test JVM,
 * and a fixed, pre-touched child heap keeps Java heap resizing out of the measurement. Mapped
 * weights count as resident once touched, which the prompt does.
 */
class MemoryModelAccuracyTest {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryModelAccuracyTest.class);
    /** The goal from the issue: the estimate within 10% of the measured growth. */
    private static final double TOLERANCE = 0.10;
    private static final long[] PARAMETERS = {25_000_000, 100_000_000, 300_000_000};
    private static final int[] CONTEXTS = {512, 1024};

    record Row(String model, int context, long estimate, long measured, String breakdown) {
        double error() {
            return (double) (estimate - measured) / measured;
        }
    }

    @Test
    void estimateIsWithinTenPercentOfResidentGrowth() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")),
                "resident memory is read from Linux /proc");
        Path dir = Files.createTempDirectory("localllm-memory-accuracy");
        List<Row> rows;
        try {
            rows = runProbe(dir);
        } finally {
            deleteRecursively(dir);
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-16s %8s %14s %14s %8s%n",
                "model", "context", "estimate MiB", "measured MiB", "error"));
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT, "%-16s %8d %14.1f %14.1f %+7.1f%%   %s%n", r.model(),
                    r.context(), r.estimate() / 1048576.0, r.measured() / 1048576.0, r.error() * 100,
                    r.breakdown()));
        }
        LOG.info("memory model accuracy:{}", table);
        assertThat(rows).hasSize(PARAMETERS.length * CONTEXTS.length);
        for (Row r : rows) {
            assertThat(Math.abs(r.error())).as("estimate error for %s at context %d:%s", r.model(), r.context(), table)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static List<Row> runProbe(Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A fixed, pre-touched heap: Java allocation during a load then cannot move resident memory.
        command.addAll(List.of("-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"));
        command.add("-cp");
        command.add(childClassPath());
        command.add(MemoryAccuracyProbe.class.getName());
        command.add(dir.toString());
        for (long p : PARAMETERS) {
            command.add(Long.toString(p));
        }
        command.add("--contexts");
        for (int c : CONTEXTS) {
            command.add(Integer.toString(c));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Row> rows = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                if (line.startsWith("ROW ")) {
                    String[] f = line.split(" ", 6);
                    rows.add(new Row(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
                }
            }
        }
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the measuring JVM did not finish in 180 s; its output:\n" + String.join("\n", output));
        }
        assertThat(process.exitValue()).as("measuring JVM exit code; its output:\n%s", String.join("\n", output))
                .isZero();
        return rows;
    }

    /** Surefire may put dependencies on the module path; the child takes everything on its class path. */
    private static String childClassPath() {
        List<String> parts = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                parts.add(value);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
