package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.ConfigurationException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.backend.llamaserver.internal.install.FakeRelease;
import io.github.localllm.backend.llamaserver.internal.install.TestEngines;
import io.github.localllm.backend.llamaserver.internal.install.ZipBuilder;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.EngineInstallProgress;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaServerInstallerTest {
    private static final String CPU = "llama-b10470-bin-ubuntu-x64.tar.gz";
    private static final String VULKAN = "llama-b10470-bin-ubuntu-vulkan-x64.tar.gz";
    private static final String WIN_CPU = "llama-b10470-bin-win-cpu-x64.zip";

    @TempDir
    Path tmp;
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void installsTheRealServerFromTheReleaseAndItRuns() throws Exception {
        assumeTrue(Platform.current().equals(java.util.Optional.of(Platform.LINUX_X64)),
                "the real llama-server in ../shared/engines is a Linux x64 build");
        byte[] archive = TestEngines.realLinuxArchive(TestEngines.realEngine());
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            LlamaServerInstaller installer = installer(release);
            assertThat(installer.installed(Platform.LINUX_X64, Accelerator.CPU)).isEmpty();

            Path server = installer.install(Platform.LINUX_X64, Accelerator.CPU);

            Path variant = tmp.resolve("engines/b10470/linux-x64-cpu");
            assertThat(server).isEqualTo(variant.resolve("llama-server"));
            assertThat(Files.isExecutable(server)).isTrue();
            assertThat(Files.isSymbolicLink(variant.resolve("libggml-base.so"))).isTrue();
            String marker = Files.readString(variant.resolve(EnginesDirectory.MARKER));
            assertThat(marker).contains("\"sha256\" : \"" + FakeRelease.sha256(archive) + "\"",
                    "\"digestFrom\" : \"GitHub's release API\"", "\"build\" : 10470");
            assertThat(versionOf(server)).contains("10470", "34af94cd9");

            List<String> steps = statuses();
            assertThat(steps.get(0)).startsWith("reading published digests from " + release.api());
            assertThat(steps).contains("downloading " + CPU, "verified sha256 of " + CPU, "unpacking " + CPU);
            EngineInstallProgress last = (EngineInstallProgress) events.get(events.size() - 1);
            assertThat(last.status()).isEqualTo("installed");
            assertThat(last.completedBytes()).isEqualTo(archive.length).isEqualTo(last.totalBytes());
            assertThat(last.engine()).isEqualTo("llamaserver");
            assertThat(last.version()).isEqualTo("b10470");
            assertThat(last.variant()).isEqualTo("linux-x64-cpu");
            assertThat(staging()).containsOnly("linux-x64-cpu.lock");

            // Installed: a second call downloads nothing.
            int requests = release.cdn().requests().size();
            assertThat(installer.install(Platform.LINUX_X64, Accelerator.CPU)).isEqualTo(server);
            assertThat(installer.installed(Platform.LINUX_X64, Accelerator.CPU)).contains(server);
            assertThat(release.cdn().requests()).hasSize(requests);
            assertThat(installer.plan(Platform.LINUX_X64, Accelerator.CPU).installed()).isTrue();
        }
    }

    @Test
    void aPlanSaysWhatWouldBeDownloadedWithoutAnyRequest() {
        try (FakeRelease release = FakeRelease.builder().start()) {
            LlamaServerInstaller installer = installer(release);

            InstallPlan linux = installer.plan(Platform.LINUX_X64, Accelerator.CUDA);
            assertThat(linux.variant()).isEqualTo("linux-x64-vulkan");
            assertThat(linux.accelerator()).isEqualTo(Accelerator.VULKAN);
            assertThat(linux.notes().get(0)).contains("no cuda build of b10470 for linux-x64");
            assertThat(linux.installed()).isFalse();
            assertThat(linux.directory()).isEqualTo(tmp.resolve("engines/b10470/linux-x64-vulkan"));
            ReleaseAsset asset = linux.assets().get(0);
            assertThat(asset.name()).isEqualTo(VULKAN);
            assertThat(asset.uri()).isEqualTo(release.github().uri(FakeRelease.DOWNLOADS + "/b10470/" + VULKAN));
            assertThat(asset.size()).hasValue(33_272_659);
            assertThat(asset.sha256()).hasValue("21f765c89d87c9a7822cde1af199face8b927b099d28a853c53fb01604fcff6b");

            InstallPlan windows = installer.plan(Platform.WINDOWS_X64, Accelerator.CUDA);
            assertThat(windows.assets()).extracting(ReleaseAsset::name).containsExactly(
                    "llama-b10470-bin-win-cuda-12.4-x64.zip", "cudart-llama-bin-win-cuda-12.4-x64.zip");
            assertThat(windows.downloadBytes()).hasValue(250_799_028L + 391_443_627L);
            assertThat(windows.server().getFileName()).hasToString("llama-server.exe");
            assertThat(windows.toString()).contains("windows-x64-cuda12", "driver 551.61");

            InstallPlan unknownDigest = installer.plan(Platform.LINUX_X64, Accelerator.CPU);
            assertThat(unknownDigest.assets().get(0).sha256()).isEmpty();
            assertThat(unknownDigest.downloadBytes()).isEmpty();
            assertThat(unknownDigest.toString()).contains("sha256 from GitHub's release API");

            assertThat(release.github().requests()).isEmpty();
            assertThat(release.cdn().requests()).isEmpty();
            assertThat(tmp.resolve("engines")).doesNotExist();
        }
    }

    @Test
    void anArchiveWhoseHashDiffersIsRefusedAndNothingRemains() throws IOException {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 1000);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).listedDigest(CPU, "ab".repeat(32)).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.getMessage()).contains(CPU, FakeRelease.sha256(archive), "ab".repeat(32),
                                "nothing was installed");
                    });
            assertNothingInstalled("linux-x64-cpu");
        }
    }

    @Test
    void anArchiveOfAnotherSizeThanTheTablesIsRefusedBeforeItIsDownloaded() throws IOException {
        byte[] impostor = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 1000);
        try (FakeRelease release = FakeRelease.builder().unlisted(VULKAN, impostor).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.VULKAN))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
                        assertThat(e.getMessage()).contains(VULKAN, impostor.length + " bytes long", "33272659");
                    });
            assertThat(release.github().requests()).noneMatch(r -> r.path().startsWith(FakeRelease.API));
            assertNothingInstalled("linux-x64-vulkan");
        }
    }

    @Test
    void anArchiveOfAnotherFormatThanItsNameSaysIsRefused() throws IOException {
        byte[] zip = new ZipBuilder().file("llama-server", new byte[10]).build();
        try (FakeRelease release = FakeRelease.builder().asset(CPU, zip).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
                        assertThat(e.getMessage()).contains(CPU, "not a complete gzip-compressed tar");
                    });
            assertNothingInstalled("linux-x64-cpu");
        }
    }

    @Test
    void anArchiveThatEscapesItsDirectoryIsRefusedAndNothingRemains() throws IOException {
        // Listed in the API with its real digest: only the unpacking can catch it.
        byte[] tarSlip = new io.github.localllm.backend.llamaserver.internal.install.TarBuilder()
                .file("llama-b10470/llama-server", TestEngines.SCRIPT_SERVER, 0755)
                .file("llama-b10470/../../escaped", new byte[10], 0644).gzip();
        try (FakeRelease release = FakeRelease.builder().asset(CPU, tarSlip).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNSAFE_ARCHIVE);
                        assertThat(e.getMessage()).contains("llama-b10470/../../escaped", "climbs out");
                    });
            assertNothingInstalled("linux-x64-cpu");
            try (Stream<Path> all = Files.walk(tmp)) {
                assertThat(all.map(p -> p.getFileName().toString())).doesNotContain("escaped");
            }
        }
    }

    @Test
    void anAssetTheReleaseDoesNotServeIsNotFound() throws IOException {
        // The table knows the Windows archive's digest, so only the download is asked: 404.
        try (FakeRelease release = FakeRelease.builder().start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.WINDOWS_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.ASSET_NOT_FOUND);
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.getMessage()).contains(WIN_CPU, "HTTP 404", "llamaserver.release.url");
                    });
            assertNothingInstalled("windows-x64-cpu");
        }
        // Listed in the API but not served by the CDN.
        try (FakeRelease release = FakeRelease.builder().listedOnly(CPU, 1000, "cd".repeat(32)).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.ASSET_NOT_FOUND));
        }
        // Not even listed.
        try (FakeRelease release = FakeRelease.builder().start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.ASSET_NOT_FOUND);
                        assertThat(e.getMessage()).contains("lists no " + CPU);
                    });
        }
    }

    @Test
    void anAssetWithoutAPublishedDigestIsNeverDownloaded() throws IOException {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 10);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).listedDigest(CPU, null).start()) {
            assertThatThrownBy(() -> installer(release).install(Platform.LINUX_X64, Accelerator.CPU))
                    .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.NO_DIGEST);
                        assertThat(e.getMessage()).contains(CPU, "installs only archives it can verify", "llamaserver.path");
                    });
            assertThat(release.cdn().requests()).isEmpty();
            assertNothingInstalled("linux-x64-cpu");
        }
    }

    @Test
    void anUnreachableReleaseApiIsARetryableError() throws IOException {
        Map<String, String> config = new HashMap<>();
        try (FakeRelease release = FakeRelease.builder().start()) {
            config.putAll(release.config());
        }
        // Both servers are closed now.
        assertThatThrownBy(() -> installer(config).install(Platform.LINUX_X64, Accelerator.CPU))
                .isInstanceOfSatisfying(EngineInstallException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DIGEST_UNAVAILABLE);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains(CPU, "llamaserver.release.api.url");
                });
        assertNothingInstalled("linux-x64-cpu");
    }

    @Test
    void aConnectionDroppedMidDownloadIsResumedFromWhereItStopped() throws IOException {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 3 << 20);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            String path = release.cdnPath(CPU);
            LlamaServerInstaller installer = LlamaServerInstaller.builder().config(config(release.config()))
                    .listener(event -> {
                        events.add(event);
                        // After the first chunk, the next request for the archive breaks off halfway.
                        if (event instanceof EngineInstallProgress p && p.status().startsWith("downloading")
                                && p.completedBytes() > 0 && release.cdn().requests(path).size() == 1) {
                            release.cdn().injectNext(1, path, Fault.truncateAfter(0));
                        }
                    }).build();

            Path server = installer.install(Platform.LINUX_X64, Accelerator.CPU);

            assertThat(server).hasBinaryContent(TestEngines.SCRIPT_SERVER);
            List<String> ranges = release.cdn().requests(path).stream()
                    .map(r -> r.header("Range").orElse("")).toList();
            // The broken request is asked again from the same byte; nothing before it is fetched twice.
            assertThat(ranges.get(0)).isEqualTo("bytes=0-1048575");
            assertThat(ranges.get(1)).isEqualTo(ranges.get(2)).startsWith("bytes=1048576-");
            assertThat(ranges.stream().filter(r -> r.startsWith("bytes=0-"))).hasSize(1);
        }
    }

    @Test
    void concurrentInstallationsOfOneVariantDownloadItOnce() throws Exception {
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 1 << 20);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            // The first download is slow enough for the second installation to find it under way.
            release.cdn().injectNext(1, release.cdnPath(CPU), Fault.slowFirstByte(java.time.Duration.ofMillis(500)));
            LlamaServerInstaller installer = installer(release);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var first = pool.submit(() -> installer.install(Platform.LINUX_X64, Accelerator.CPU));
                var second = pool.submit(() -> installer.install(Platform.LINUX_X64, Accelerator.CPU));
                assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(second.get(30, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
            List<RecordedRequest> downloads = release.cdn().requests(release.cdnPath(CPU));
            assertThat(downloads.stream().filter(r -> r.header("Range").orElse("").startsWith("bytes=0-"))).hasSize(1);
            assertThat(statuses()).contains("waiting for another installation of linux-x64-cpu");
            assertThat(statuses().stream().filter("installed"::equals)).hasSize(2);
        }
    }

    @Test
    void anIncompleteLeftoverIsReplacedWhole() throws IOException {
        Path leftover = Files.createDirectories(tmp.resolve("engines/b10470/linux-x64-cpu"));
        Files.writeString(leftover.resolve("stale-half-file"), "x");
        byte[] archive = TestEngines.linuxArchive(TestEngines.SCRIPT_SERVER, new byte[1], 10);
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            LlamaServerInstaller installer = installer(release);
            assertThat(installer.installed(Platform.LINUX_X64, Accelerator.CPU)).isEmpty();
            installer.install(Platform.LINUX_X64, Accelerator.CPU);
        }
        assertThat(leftover.resolve("stale-half-file")).doesNotExist();
        assertThat(leftover.resolve("llama-server")).exists();
        assertThat(EnginesDirectory.isComplete(leftover)).isTrue();
    }

    @Test
    void badAddressesAreConfigurationErrors() {
        assertThatThrownBy(() -> installer(Map.of("llamaserver.release.url", "ftp://mirror/llama")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("llamaserver.release.url");
        assertThatThrownBy(() -> installer(Map.of("llamaserver.release.api.url", "https://user:pw@mirror/api")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("without query or credentials");
        assertThatThrownBy(() -> installer(Map.of("llamaserver.download.timeout", "PT0S")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be positive");
    }

    @Test
    void platformsAreTheOnesLlamaCppPublishes() {
        assertThat(Platform.of("Linux", "amd64")).contains(Platform.LINUX_X64);
        assertThat(Platform.of("Mac OS X", "aarch64")).contains(Platform.MACOS_ARM64);
        assertThat(Platform.of("Mac OS X", "x86_64")).contains(Platform.MACOS_X64);
        assertThat(Platform.of("Windows 11", "amd64")).contains(Platform.WINDOWS_X64);
        assertThat(Platform.of("Linux", "aarch64")).isEmpty();
        assertThat(Platform.of("FreeBSD", "amd64")).isEmpty();
    }

    private LlamaServerInstaller installer(FakeRelease release) {
        return installer(release.config());
    }

    private LlamaServerInstaller installer(Map<String, String> values) {
        return LlamaServerInstaller.builder().config(config(values)).listener(events::add).build();
    }

    private LocalLlmConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("llamaserver.engines.dir", tmp.resolve("engines").toString());
        return LocalLlmConfig.load(all, Map.of(), new ConfigEnvironment(Map.of(), Map.of(), tmp, tmp.resolve("none.json")));
    }

    private List<String> statuses() {
        return events.stream().map(e -> ((EngineInstallProgress) e).status()).toList();
    }

    private List<String> staging() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("engines/b10470/.staging"))) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Neither the variant's directory nor anything but its lock in the staging directory. */
    private void assertNothingInstalled(String variant) throws IOException {
        assertThat(tmp.resolve("engines/b10470").resolve(variant)).doesNotExist();
        if (Files.exists(tmp.resolve("engines/b10470/.staging"))) {
            assertThat(staging()).containsOnly(variant + ".lock");
        }
    }

    private static String versionOf(Path server) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(server.toString(), "--version").redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("llama-server --version ends").isTrue();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }
}
