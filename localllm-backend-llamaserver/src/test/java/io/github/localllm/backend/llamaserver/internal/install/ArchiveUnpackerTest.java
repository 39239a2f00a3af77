package io.github.localllm.backend.llamaserver.internal.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveUnpackerTest {
    private static final byte[] SERVER = "#!/bin/sh\necho fake\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    private Path into;
    private final ArchiveUnpacker unpacker = new ArchiveUnpacker(FileSink.DISK);

    @BeforeEach
    void directories() throws IOException {
        into = Files.createDirectories(tmp.resolve("stage/into"));
    }

    @Test
    void unpacksTheLinuxLayoutWithModesAndLinksInside() throws IOException {
        byte[] archive = new TarBuilder()
                .directory("llama-b10470/")
                .file("llama-b10470/llama-server", SERVER, 0755)
                .file("llama-b10470/LICENSE", "MIT".getBytes(StandardCharsets.UTF_8), 0644)
                .file("llama-b10470/libggml.so.0.0.10470", new byte[] {1, 2, 3}, 0644)
                .symlink("llama-b10470/libggml.so.0", "libggml.so.0.0.10470")
                .symlink("llama-b10470/libggml.so", "libggml.so.0")
                .hardLink("llama-b10470/LICENSE.copy", "llama-b10470/LICENSE")
                .gzip();

        unpack(archive, "llama-b10470-bin-ubuntu-x64.tar.gz");

        Path top = into.resolve("llama-b10470");
        assertThat(top.resolve("llama-server")).hasBinaryContent(SERVER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(top.resolve("llama-server"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(top.resolve("LICENSE"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.isSymbolicLink(top.resolve("libggml.so"))).isTrue();
        assertThat(Files.readSymbolicLink(top.resolve("libggml.so"))).hasToString("libggml.so.0");
        assertThat(top.resolve("libggml.so")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(top.resolve("LICENSE.copy")).hasContent("MIT");
        assertThat(Files.isSymbolicLink(top.resolve("LICENSE.copy"))).isFalse();
    }

    @Test
    void readsPaxAndGnuLongNames() throws IOException {
        String deep = "llama-b10470/" + "d".repeat(60) + "/" + "e".repeat(60) + "/libggml-cpu-sapphirerapids.so";
        String gnu = "llama-b10470/" + "g".repeat(120) + ".txt";
        unpack(new TarBuilder().file(deep, new byte[] {7}, 0644).gnuLongNameFile(gnu, new byte[] {8}, 0644).gzip(),
                "a.tar.gz");

        assertThat(into.resolve(deep)).hasBinaryContent(new byte[] {7});
        assertThat(into.resolve(gnu)).hasBinaryContent(new byte[] {8});
    }

    @Test
    void unpacksAWindowsZipAndAUnixOne() throws IOException {
        unpack(new ZipBuilder().file("llama-server.exe", SERVER).directory("rocblas/library")
                .file("rocblas/library/x.dat", new byte[] {9}).build(), "llama-b10470-bin-win-cpu-x64.zip");
        assertThat(into.resolve("llama-server.exe")).hasBinaryContent(SERVER);
        assertThat(into.resolve("rocblas/library/x.dat")).hasBinaryContent(new byte[] {9});

        Path second = Files.createDirectory(tmp.resolve("stage/second"));
        Path file = tmp.resolve("unix.zip");
        Files.write(file, new ZipBuilder().unixFile("bin/llama-server", SERVER, 0755)
                .unixFile("bin/libllama.so.0.0.1", new byte[] {4}, 0644).symlink("bin/libllama.so", "libllama.so.0.0.1")
                .build());
        unpacker.unpack(file, "unix.zip", second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.resolve("bin/llama-server"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(Files.isSymbolicLink(second.resolve("bin/libllama.so"))).isTrue();
        assertThat(second.resolve("bin/libllama.so")).hasBinaryContent(new byte[] {4});
    }

    @Test
    void refusesTarEntriesThatClimbOut() {
        assertUnsafe(new TarBuilder().file("llama-b10470/../../evil", SERVER, 0755).gzip(), "a.tar.gz", "climbs out");
        assertUnsafe(new TarBuilder().file("/tmp/evil-absolute", SERVER, 0755).gzip(), "a.tar.gz", "absolute path");
    }

    @Test
    void refusesZipEntriesThatClimbOut() {
        assertUnsafe(new ZipBuilder().file("../evil.dll", SERVER).build(), "a.zip", "climbs out");
        assertUnsafe(new ZipBuilder().file("..\\..\\evil.dll", SERVER).build(), "a.zip", "climbs out");
        assertUnsafe(new ZipBuilder().file("/evil.dll", SERVER).build(), "a.zip", "absolute path");
        assertUnsafe(new ZipBuilder().file("C:/Windows/evil.dll", SERVER).build(), "a.zip", "absolute path");
    }

    @Test
    void refusesSymbolicLinksThatPointOut() {
        assertUnsafe(new TarBuilder().symlink("llama-b10470/lib", "../../outside").gzip(), "a.tar.gz",
                "outside the engine's directory");
        assertUnsafe(new TarBuilder().symlink("llama-b10470/passwd", "/etc/passwd").gzip(), "a.tar.gz",
                "absolute path");
        assertUnsafe(new ZipBuilder().symlink("etc", "/etc").build(), "a.zip", "absolute path");
        assertUnsafe(new ZipBuilder().symlink("up", "../..").build(), "a.zip", "outside the engine's directory");
    }

    @Test
    void refusesAChainOfLinksThatEachLookInsideButClimbOutTogether() {
        // "a" is the directory itself, so "a/.." is its parent, though "a/.." looks like "." on paper.
        assertUnsafe(new TarBuilder().symlink("a", ".").symlink("b", "a/..").gzip(), "a.tar.gz",
                "resolves outside the engine's directory through other links");
    }

    @Test
    void neverWritesThroughALink() throws IOException {
        // The link is made after the files: the file lands in a real directory, and the link then collides.
        assertThatThrownBy(() -> unpack(new TarBuilder().symlink("d", "sub").file("d/x", SERVER, 0644).gzip(), "a.tar.gz"))
                .isInstanceOfSatisfying(EngineInstallException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE));
        assertNothingOutside();
    }

    @Test
    void refusesDevicesAndFifos() {
        assertUnsafe(new TarBuilder().special("llama-b10470/tty", '3').gzip(), "a.tar.gz", "tar type '3'");
        assertUnsafe(new TarBuilder().special("llama-b10470/fifo", '6').gzip(), "a.tar.gz", "tar type '6'");
        assertUnsafe(new ZipBuilder().unixEntry("fifo", new byte[0], 0010644).build(), "a.zip", "Unix mode 10644");
    }

    @Test
    void refusesDamagedArchives() throws IOException {
        byte[] whole = new TarBuilder().file("llama-b10470/llama-server", new byte[4000], 0755).gzip();
        assertMalformed(Arrays.copyOf(whole, whole.length / 2), "a.tar.gz", "not a complete gzip-compressed tar");

        byte[] raw = new TarBuilder().file("x", SERVER, 0644).rawTar();
        raw[0] = 'y';
        assertMalformed(gzip(raw), "a.tar.gz", "damaged tar header");

        assertMalformed("not a zip at all".getBytes(StandardCharsets.UTF_8), "a.zip", "not a readable zip");
        byte[] twice = new ZipBuilder().file("llama-server.exe", SERVER).file("llama-server.exe", new byte[1]).build();
        assertMalformed(twice, "a.zip", "listed twice");
        assertMalformed(new TarBuilder().symlink("dangling", "nothing-here").gzip(), "a.tar.gz", "points at nothing");
    }

    @Test
    void aFullDiskFailsWithTheFileSystemsErrorAndTheCallerCleansUp() throws IOException {
        // No small file system can be mounted everywhere: a sink that fails like one after 1000 bytes.
        FileSink fullAfter1000 = file -> new FilterOutputStream(Files.newOutputStream(file)) {
            private long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 1000) {
                    throw new IOException("No space left on device");
                }
                out.write(b, off, len);
            }
        };
        Path file = tmp.resolve("big.tar.gz");
        Files.write(file, new TarBuilder().file("llama-b10470/llama-server", new byte[5000], 0755).gzip());

        assertThatThrownBy(() -> new ArchiveUnpacker(fullAfter1000).unpack(file, "big.tar.gz", into))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
    }

    private void unpack(byte[] archive, String name) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, archive);
        unpacker.unpack(file, name, into);
    }

    private void assertUnsafe(byte[] archive, String name, String why) {
        assertThatThrownBy(() -> unpack(archive, name)).isInstanceOfSatisfying(EngineInstallException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNSAFE_ARCHIVE);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains(name, why, "nothing was installed");
        });
        assertNothingOutside();
    }

    private void assertMalformed(byte[] archive, String name, String why) throws IOException {
        Path fresh = Files.createTempDirectory(tmp.resolve("stage"), "m");
        Path file = tmp.resolve(name);
        Files.write(file, archive);
        assertThatThrownBy(() -> unpacker.unpack(file, name, fresh)).isInstanceOfSatisfying(EngineInstallException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
                    assertThat(e.getMessage()).contains(name, why);
                });
    }

    /** Nothing but the archives and the staging directory exists beside the directory unpacked into. */
    private void assertNothingOutside() {
        try (Stream<Path> beside = Files.list(tmp); Stream<Path> stage = Files.list(tmp.resolve("stage"))) {
            assertThat(beside.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals("stage") || n.endsWith(".zip") || n.endsWith(".tar.gz"));
            assertThat(stage.map(p -> p.getFileName().toString())).containsOnly("into");
            assertThat(Files.exists(Path.of("/tmp/evil-absolute"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(raw);
            gz.write(new byte[1024]);
        }
        return out.toByteArray();
    }
}
