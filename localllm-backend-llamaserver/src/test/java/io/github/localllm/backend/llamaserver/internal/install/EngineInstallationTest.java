package io.github.localllm.backend.llamaserver.internal.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.StorageException;
import io.github.localllm.backend.llamaserver.Accelerator;
import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import io.github.localllm.backend.llamaserver.Platform;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.testkit.Fault;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineInstallationTest {
    private static final String CPU = "llama-b10470-bin-ubuntu-x64.tar.gz";
    private static final LocalLlmEventListener QUIET = event -> { };

    @TempDir
    Path tmp;

    @Test
    void aDownloadThatKeepsBreakingLeavesAResumablePartialAndTheNextAttemptResumesIt() throws IOException {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 3 << 20);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            String path = release.cdnPath(CPU);
            // The opening request (the first MiB) goes through; every later one breaks off halfway.
            EngineInstallation installation = installation(release, FileSink.DISK, event -> {
                if (release.cdn().requests(path).size() == 1) {
                    release.cdn().inject(path, Fault.truncateAfter(0));
                }
            });

            assertThatThrownBy(() -> installation.install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DOWNLOAD_FAILED);
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains(CPU, "failed at byte 1048576 after 3 attempt(s)",
                                "resumes where it stopped");
                    });
            Path part = staging().resolve(CPU + ".part");
            assertThat(part).hasSize(1 << 20);
            assertThat(variant()).doesNotExist();

            release.cdn().clearFaults();
            release.cdn().clearRequests();
            Path server = installation(release, FileSink.DISK, QUIET).install(10470, Platform.LINUX_X64, Accelerator.CPU);

            assertThat(server).hasBinaryContent(TestEngines.SCRIPT_SERVER);
            assertThat(part).doesNotExist();
            // The opening request asks for the first MiB again (it tells the size); the rest starts after the part.
            assertThat(release.cdn().requests(path).stream().map(r -> r.header("Range").orElse("")))
                    .containsExactly("bytes=0-1048575", "bytes=1048576-3145727", "bytes=3145728-" + (archive.length - 1));
        }
    }

    @Test
    void aFullDiskWhileUnpackingLeavesNothingHalfInstalled() throws IOException {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 200_000);
        // The seam stands in for a disk that fills up 100 kB into unpacking.
        FileSink full = file -> new FilterOutputStream(Files.newOutputStream(file)) {
            private long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 100_000) {
                    throw new IOException("No space left on device");
                }
                out.write(b, off, len);
            }
        };
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            assertThatThrownBy(() -> installation(release, full, QUIET).install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getMessage())
                            .contains("unpacking into", "No space left on device", "MiB free there", "llamaserver.engines.dir",
                                    "was not installed"));
            assertThat(variant()).doesNotExist();
            assertThat(stagingFiles()).containsOnly("linux-x64-cpu.lock");

            // Room again: the next attempt installs.
            assertThat(installation(release, FileSink.DISK, QUIET).install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .hasBinaryContent(TestEngines.SCRIPT_SERVER);
        }
    }

    @Test
    void aFullDiskOnARealSmallFileSystem() throws Exception {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 2 << 20);
        Path mount = Files.createDirectory(tmp.resolve("small"));
        // Room for the download, not for unpacking it as well.
        long size = archive.length + (512 << 10);
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mounting.waitFor(10, TimeUnit.SECONDS) && mounting.exitValue() == 0;
        Assumptions.assumeTrue(mounted, () -> "cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): "
                + output(mounting) + "; aFullDiskWhileUnpackingLeavesNothingHalfInstalled covers it through a seam");
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            EngineInstallation installation = new EngineInstallation(EnginesDirectory.at(mount), ReleaseTable.bundled(),
                    release.downloads(), release.api(), Duration.ofSeconds(10), QUIET);
            assertThatThrownBy(() -> installation.install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.getMessage()).contains("unpacking into", "No space left on device"));
            assertThat(mount.resolve("b10470/linux-x64-cpu")).doesNotExist();
            try (Stream<Path> left = Files.list(mount.resolve("b10470/.staging"))) {
                assertThat(left.map(p -> p.getFileName().toString())).containsOnly("linux-x64-cpu.lock");
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aVariantOfTwoArchivesIsUnpackedIntoOneDirectory() throws IOException {
        byte[] engine = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 10);
        byte[] runtime = new ZipBuilder().file("libcudart.so.12", new byte[] {1, 2}).build();
        ReleaseTable table = table(CPU, engine, "runtime.zip", runtime);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, engine).asset("runtime.zip", runtime).start()) {
            Path server = installation(release, table).install(10470, Platform.LINUX_X64, Accelerator.CPU);
            assertThat(server.resolveSibling("libcudart.so.12")).hasBinaryContent(new byte[] {1, 2});
            assertThat(server.resolveSibling("LICENSE")).exists();
            assertThat(Files.readString(server.resolveSibling(EnginesDirectory.MARKER)))
                    .contains("runtime.zip", "the SDK's release table");
        }
        byte[] clash = new ZipBuilder().file("LICENSE", new byte[] {3}).build();
        try (FakeRelease release = FakeRelease.builder().asset(CPU, engine).asset("runtime.zip", clash).start()) {
            // Into another engines directory: the first variant is installed in this test's.
            EngineInstallation installation = new EngineInstallation(EnginesDirectory.at(tmp.resolve("other")),
                    table(CPU, engine, "runtime.zip", clash), release.downloads(), release.api(), Duration.ofSeconds(10),
                    QUIET, FileSink.DISK, 3, Duration.ofMillis(10));
            assertThatThrownBy(() -> installation.install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
                        assertThat(e.getMessage()).contains("runtime.zip holds LICENSE");
                    });
        }
    }

    @Test
    void anArchiveWithoutTheServerIsRefused() throws IOException {
        byte[] empty = new TarBuilder().file("llama-b10470/LICENSE", new byte[1], 0644).gzip();
        try (FakeRelease release = FakeRelease.builder().asset(CPU, empty).start()) {
            assertThatThrownBy(() -> installation(release, FileSink.DISK, QUIET)
                    .install(10470, Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
                        assertThat(e.getMessage()).contains("hold no llama-server");
                    });
            assertThat(variant()).doesNotExist();
            assertThat(stagingFiles()).containsOnly("linux-x64-cpu.lock");
        }
    }

    private EngineInstallation installation(FakeRelease release, FileSink sink, LocalLlmEventListener listener) {
        return new EngineInstallation(EnginesDirectory.at(tmp.resolve("engines")), ReleaseTable.bundled(),
                release.downloads(), release.api(), Duration.ofSeconds(10), listener, sink, 3, Duration.ofMillis(10));
    }

    private EngineInstallation installation(FakeRelease release, ReleaseTable table) {
        return new EngineInstallation(EnginesDirectory.at(tmp.resolve("engines")), table, release.downloads(),
                release.api(), Duration.ofSeconds(10), QUIET, FileSink.DISK, 3, Duration.ofMillis(10));
    }

    /** A table whose Linux variants are two archives with their real digests. */
    private static ReleaseTable table(String first, byte[] firstBytes, String second, byte[] secondBytes) {
        String assets = asset(first, firstBytes) + "," + asset(second, secondBytes);
        String json = "{\"builds\":[{\"build\":10470,\"tag\":\"b10470\",\"commit\":\"34af94cd9\",\"variants\":["
                + "{\"id\":\"linux-x64-cpu\",\"platform\":\"linux-x64\",\"accelerator\":\"cpu\",\"assets\":[" + assets + "]}]}]}";
        return ReleaseTable.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String asset(String name, byte[] bytes) {
        return "{\"name\":\"" + name + "\",\"url\":\"https://github.com/ggml-org/llama.cpp/releases/download/b10470/" + name
                + "\",\"size\":" + bytes.length + ",\"sha256\":\"" + FakeRelease.sha256(bytes) + "\"}";
    }

    private Path variant() {
        return tmp.resolve("engines/b10470/linux-x64-cpu");
    }

    private Path staging() {
        return tmp.resolve("engines/b10470/.staging");
    }

    private List<String> stagingFiles() throws IOException {
        try (Stream<Path> files = Files.list(staging())) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
