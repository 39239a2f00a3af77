package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.backend.llamaserver.internal.ServerRecords;
import io.github.localllm.backend.llamaserver.internal.Stopper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping with escalation, and the records that let a later JVM reap servers of a killed one,
 * on plain {@code sleep} processes: a record whose JVM lives is left alone, one whose JVM is gone
 * gets its process stopped, one whose process is gone is forgotten, and a pid now used by another
 * process is never stopped.
 */
class StopperTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void unixOnly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "the processes are shell commands");
    }

    private static Process start(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        Thread.sleep(100); // sh has read its script and installed its traps
        return p;
    }

    @Test
    void aProcessThatStopsWhenAskedIsNotKilled() throws Exception {
        Process p = start("exec sleep 60");
        assertThat(Stopper.stop(p.toHandle(), 5000)).isTrue();
        // The handle sees the end first; the Process object once the JDK has collected its status.
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("ended by SIGTERM").isEqualTo(143);
    }

    @Test
    void aProcessThatIgnoresTheRequestIsKilledAfterTheGrace() throws Exception {
        Process p = start("trap '' TERM; exec sleep 60");
        long start = System.nanoTime();
        assertThat(Stopper.stop(p.toHandle(), 300)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("ended by SIGKILL").isEqualTo(137);
    }

    @Test
    void recordsOfALiveJvmAreLeftAlone() throws Exception {
        Process server = start("exec sleep 60");
        try {
            Path record = ServerRecords.write(dir, server.toHandle(), Path.of("/bin/sleep"), Path.of("m.gguf"), 1234)
                    .orElseThrow();
            assertThat(ServerRecords.reap(dir, Duration.ofSeconds(5))).isZero();
            assertThat(server.isAlive()).as("the server of this live JVM").isTrue();
            assertThat(record).exists();
            ServerRecords.delete(record);
            assertThat(record).doesNotExist();
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void theServerOfAJvmThatIsGoneIsStoppedAndItsRecordRemoved() throws Exception {
        Process server = start("exec sleep 60");
        try {
            Path record = ServerRecords.write(dir, server.toHandle(), Path.of("/bin/sleep"), Path.of("m.gguf"), 1234)
                    .orElseThrow();
            orphan(record);
            assertThat(ServerRecords.reap(dir, Duration.ofSeconds(5))).isEqualTo(1);
            assertThat(server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(record).doesNotExist();
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPidNowUsedByAnotherProcessIsNotStopped() throws Exception {
        Process other = start("exec sleep 60");
        try {
            Path record = ServerRecords.write(dir, other.toHandle(), Path.of("/bin/sleep"), Path.of("m.gguf"), 1234)
                    .orElseThrow();
            orphan(record);
            Properties p = read(record);
            // The recorded server started long ago: this process only has its pid.
            p.setProperty("server.start", Long.toString(Long.parseLong(p.getProperty("server.start")) - 3_600_000));
            write(record, p);
            assertThat(ServerRecords.reap(dir, Duration.ofSeconds(5))).isZero();
            assertThat(other.isAlive()).isTrue();
            assertThat(record).as("a record of a server that is gone").doesNotExist();
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void unreadableRecordsAreRemoved() throws Exception {
        Path bad = dir.resolve("llama-server-1.properties");
        Files.writeString(bad, "owner.pid=x\n");
        assertThat(ServerRecords.reap(dir, Duration.ofSeconds(1))).isZero();
        assertThat(bad).doesNotExist();
        assertThat(ServerRecords.reap(dir.resolve("absent"), Duration.ofSeconds(1))).isZero();
    }

    /** Makes the record's JVM one that has ended: a process started and waited for. */
    private static void orphan(Path record) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Properties p = read(record);
        p.setProperty("owner.pid", Long.toString(gone.pid()));
        write(record, p);
    }

    private static Properties read(Path record) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(record)) {
            p.load(in);
        }
        return p;
    }

    private static void write(Path record, Properties p) throws Exception {
        try (var out = Files.newBufferedWriter(record)) {
            p.store(out, null);
        }
    }
}
