package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.backend.llamaserver.internal.Stopper;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No server outlives its JVM, tested with child JVMs ({@link ChildJvm}) that load a model and close
 * nothing: one whose main returns exits by itself (status 0) and its shutdown hook stops the
 * server; one whose main throws exits with status 1, server stopped too; one killed with
 * {@code SIGKILL}, which runs no hook, leaves its server running, and the next load in another JVM
 * (this one) reaps it.
 */
@ExtendWith(NoOrphans.class)
class OrphanTest {
    private static final Duration EXIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;

    @Test
    void aJvmWhoseMainReturnsExitsAndItsServerStops() throws Exception {
        Child child = start("return");
        assertThat(child.process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS))
                .as("the child JVM exited by itself; its output:%n%s", child.output()).isTrue();
        assertThat(child.process.exitValue()).as(child.output()).isZero();
        assertGone(child.serverPid);
        assertThat(records()).as("records after a normal exit").isEmpty();
    }

    @Test
    void aJvmWhoseMainThrowsExitsWithStatusOneAndItsServerStops() throws Exception {
        Child child = start("throw");
        assertThat(child.process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as(child.output()).isTrue();
        assertThat(child.process.exitValue()).isEqualTo(1);
        assertThat(child.output()).contains("IllegalStateException: the program failed");
        assertGone(child.serverPid);
    }

    @Test
    void theServerOfAJvmKilledOutrightIsReapedByTheNextLoad() throws Exception {
        Child child = start("hang");
        child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(child.process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Optional<ProcessHandle> orphan = ProcessHandle.of(child.serverPid).filter(ProcessHandle::isAlive);
        assertThat(orphan).as("the server outlived its killed JVM").isPresent();
        try {
            assertThat(records()).as("its record").hasSize(1);
            try (ModelInstance model = TestEngines.backend(dir).load(new ModelLoadRequest(
                    ModelRef.file(TestEngines.model()), LoadOptions.builder().contextSize(256).threads(1).build()))) {
                assertGone(child.serverPid);
                long own = ((ManagedModel) model).server().orElseThrow().pid();
                assertThat(records()).as("only the new server's record").singleElement()
                        .satisfies(f -> assertThat(f.toString()).contains(Long.toString(own)));
            }
        } finally {
            orphan.ifPresent(ProcessHandle::destroyForcibly);
        }
        assertThat(ServerProcess.running()).isEmpty();
    }

    private List<Path> records() throws Exception {
        Path state = dir.resolve("engines/state");
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        try (var files = Files.list(state)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties")).toList();
        }
    }

    /**
     * The server has ended: no process with its pid, or a zombie (ended, its status not yet collected
     * by the init process, which here does so every few seconds).
     */
    private static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).filter(Stopper::isRunning).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(pid).filter(Stopper::isRunning)).as("server pid %d", pid).isEmpty();
    }

    /** A child JVM and what it printed. */
    private static final class Child {
        final Process process;
        final long serverPid;
        final List<String> lines;
        final Thread reader;

        Child(Process process, long serverPid, List<String> lines, Thread reader) {
            this.process = process;
            this.serverPid = serverPid;
            this.lines = lines;
            this.reader = reader;
        }

        String output() throws InterruptedException {
            reader.join(2000);
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    /** Starts a child JVM and waits for its server's pid. */
    private Child start(String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", classPath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", ChildJvm.class.getName(), mode,
                TestEngines.binary().toString(), TestEngines.model().toString(), dir.resolve("engines").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        long[] pid = {-1};
        Object found = new Object();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("server-pid=")) {
                        synchronized (found) {
                            pid[0] = Long.parseLong(line.substring("server-pid=".length()).strip());
                            found.notifyAll();
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the child ended
            }
        }, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + EXIT.toNanos();
        synchronized (found) {
            while (pid[0] < 0 && process.isAlive() && System.nanoTime() < deadline) {
                found.wait(100);
            }
        }
        if (pid[0] < 0) {
            process.destroyForcibly().waitFor();
            reader.join(2000);
            throw new AssertionError("the child JVM printed no server pid:\n" + String.join("\n", lines));
        }
        return new Child(process, pid[0], lines, reader);
    }

    /** Everything this test JVM was given, on the class path: the child runs in the unnamed module. */
    private static String classPath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null) {
                for (String entry : value.split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        entries.add(entry);
                    }
                }
            }
        }
        for (Class<?> type : List.of(ChildJvm.class, LlamaServerBackendProvider.class)) {
            entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
