package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.store.internal.ResumeRecord;
import io.github.localllm.testkit.FakeRangeServer;
import io.github.localllm.testkit.Fault;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a download running in another JVM ({@code destroyForcibly}, SIGKILL: no shutdown hook, no
 * flush) at several points, and checks after every kill that the resume record counts only bytes
 * the partial file really holds, and at the end that the resumed file's SHA-256 is right.
 */
@org.junit.jupiter.api.Timeout(180)
class ResumeAfterKillTest {
    private static final int SIZE = 12 << 20;
    private static final long CHUNK = 256 << 10;

    @TempDir
    Path dir;

    @Test
    void aDownloadKilledAgainAndAgainResumesToTheRightFile() throws Exception {
        byte[] bytes = Fixtures.random(SIZE, 11);
        Path source = dir.resolve("source.bin");
        Files.write(source, bytes);
        Path target = dir.resolve("out").resolve("model.bin");
        // 4 connections at 1 MiB/s each: about 3 s for the whole file, time enough to kill it five times.
        try (FakeRangeServer server = FakeRangeServer.builder().file("/model.bin", source)
                .fault(Fault.throttle(1L << 20)).start()) {
            String uri = server.uri("/model.bin").toString();
            long before = 0;
            for (double at : new double[] {0.0, 0.15, 0.35, 0.55, 0.8}) {
                Process child = start(uri, target);
                try {
                    long want = (long) (SIZE * at);
                    waitFor(() -> written(target) > want, child);
                } finally {
                    child.destroyForcibly();
                    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                }
                assertThat(target).as("killed before the end, so nothing is installed").doesNotExist();
                Optional<ResumeRecord> record = ResumeRecord.read(Downloader.recordFile(target));
                if (record.isPresent()) {
                    assertHolds(Downloader.partialFile(target), record.get(), bytes);
                    assertThat(record.get().written()).as("a resume loses no recorded byte")
                            .isGreaterThanOrEqualTo(before);
                    before = record.get().written();
                }
            }
            assertThat(before).as("the kills left a resumable partial").isPositive();

            server.clearFaults();
            try (Downloader downloader = Downloader.builder().chunkSize(CHUNK).build()) {
                DownloadResult result = downloader.download(DownloadRequest.builder(server.uri("/model.bin"), target)
                        .build());
                assertThat(result.sha256()).isEqualTo(Fixtures.sha256(bytes));
                assertThat(result.transferredBytes()).isLessThanOrEqualTo(SIZE - before);
            }
            assertThat(Fixtures.sha256(target)).isEqualTo(Fixtures.sha256(bytes));
            assertThat(Downloader.partialFile(target)).doesNotExist();
            assertThat(Downloader.recordFile(target)).doesNotExist();
        }
    }

    /** Every byte the record counts is the source's byte. */
    private static void assertHolds(Path partial, ResumeRecord record, byte[] bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(partial.toFile(), "r")) {
            for (int i = 0; i < record.done().length; i++) {
                long start = i * record.chunkSize();
                int n = (int) record.done()[i];
                byte[] held = new byte[n];
                file.seek(start);
                file.readFully(held);
                assertThat(Arrays.equals(held, 0, n, bytes, (int) start, (int) start + n))
                        .as("chunk %d: the %d bytes the record counts are the file's", i, n).isTrue();
            }
        }
    }

    private static long written(Path target) {
        return ResumeRecord.read(Downloader.recordFile(target)).map(ResumeRecord::written).orElse(0L);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Process child)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (!child.isAlive()) {
                throw new AssertionError("the download ended before it could be killed (exit " + child.exitValue()
                        + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the download made no progress within 60 s");
            }
            Thread.sleep(2);
        }
    }

    private Process start(String uri, Path target) throws IOException, URISyntaxException {
        Set<String> path = new LinkedHashSet<>();
        path.add(Path.of(KillableDownload.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                path.addAll(Arrays.asList(value.split(File.pathSeparator)));
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, path),
                KillableDownload.class.getName(), uri, target.toString(), Long.toString(CHUNK), "4"));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
    }
}
