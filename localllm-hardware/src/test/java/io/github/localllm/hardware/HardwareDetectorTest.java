package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.hardware.HardwareFixtures.BrokenProbe;
import io.github.localllm.hardware.HardwareFixtures.FakeProbe;
import io.github.localllm.hardware.HardwareFixtures.ScriptedRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class HardwareDetectorTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    Path models;

    private HardwareDetector.Builder linux(ScriptedRunner runner, String root) {
        return HardwareDetector.builder().osName("Linux").architecture("amd64").commandRunner(runner)
                .fileSystemRoot(HardwareFixtures.path(root)).systemProbe(FakeProbe.typical())
                .modelDirectory(models);
    }

    @Test
    void linuxMachineWithTwoNvidiaGpus() {
        ScriptedRunner runner = new ScriptedRunner().prints("nvidia-smi", HardwareFixtures.text("nvidia/rtx4090-a100.csv"));

        HardwareProfile profile = linux(runner, "linux-x86").build().detect();

        assertThat(profile.osName()).isEqualTo("Linux");
        assertThat(profile.osVersion()).isEqualTo("test-os 1.0");
        assertThat(profile.cpu().name()).isEqualTo("Intel(R) Xeon(R) Processor");
        assertThat(profile.cpu().features()).contains(CpuFeature.AVX2, CpuFeature.AVX512F);
        assertThat(profile.cpu().source()).isEqualTo("/proc/cpuinfo");
        assertThat(profile.memory().totalBytes().source()).contains("/proc/meminfo MemTotal");
        assertThat(profile.memory().availableBytes().isKnown()).isTrue();
        assertThat(profile.gpus()).extracting(GpuInfo::vendor).containsExactly(GpuVendor.NVIDIA, GpuVendor.NVIDIA);
        assertThat(profile.gpus().get(1).totalVramBytes().value()).isEqualTo(81920 * MIB);
        assertThat(profile.disk().directory()).isEqualTo(models.toAbsolutePath().normalize());
        assertThat(profile.disk().freeBytes().isKnown()).isTrue();
    }

    @Test
    void missingToolsMeanNoGpusOfThatVendorAndNoError() {
        ScriptedRunner runner = new ScriptedRunner();

        HardwareProfile profile = linux(runner, "linux-x86").build().detect();

        assertThat(profile.gpus()).isEmpty();
        assertThat(runner.calls).extracting(c -> c.get(0)).contains("nvidia-smi", "rocm-smi");
    }

    @Test
    void amdFromSysfsWhenRocmIsNotInstalled() {
        ScriptedRunner runner = new ScriptedRunner();

        HardwareProfile profile = linux(runner, "sysfs-amd").build().detect();

        assertThat(profile.gpus()).extracting(GpuInfo::vendor).containsOnly(GpuVendor.AMD).hasSize(2);
        assertThat(profile.gpus().get(0).totalVramBytes().value()).isEqualTo(17163091968L);
        // The recorded tree has no /proc: CPU and RAM come from the probe.
        assertThat(profile.cpu().name()).isEqualTo("Test CPU");
        assertThat(profile.memory().totalBytes().value()).isEqualTo(32 * GIB);
    }

    @Test
    void amdFromRocmSmiAndSysfsAsFallbackForUnusableOutput() {
        ScriptedRunner json = new ScriptedRunner().prints("rocm-smi", HardwareFixtures.text("amd/rocm-smi-rx6800-raphael.json"));
        assertThat(linux(json, "sysfs-amd").build().detect().gpus())
                .extracting(g -> g.computeCapability().value()).containsExactly("gfx1030", "gfx1036");

        ScriptedRunner text = new ScriptedRunner().prints("rocm-smi",
                HardwareFixtures.text("amd/rocm-smi-plain-text-not-json.txt"));
        assertThat(linux(text, "sysfs-amd").build().detect().gpus())
                .allSatisfy(g -> assertThat(g.totalVramBytes().source()).contains("sysfs"));
    }

    @Test
    void intelGpuFromOshiHasUnknownVramNotOshisFigure() {
        FakeProbe probe = FakeProbe.typical().withCards(List.of(
                new SystemProbe.GraphicsCard("DG2 [Arc A770]", "Intel Corporation", "0x56a0", 256 * MIB, "unknown"),
                new SystemProbe.GraphicsCard("unknown", "unknown", "unknown", 0, "unknown")));

        HardwareProfile profile = linux(new ScriptedRunner(), "linux-x86").systemProbe(probe).build().detect();

        assertThat(profile.gpus()).singleElement().satisfies(g -> {
            assertThat(g.vendor()).isEqualTo(GpuVendor.INTEL);
            assertThat(g.integrated()).isFalse();
            assertThat(g.acceleration()).isEqualTo(Acceleration.VULKAN);
            assertThat(g.totalVramBytes().isKnown()).isFalse();
            assertThat(g.totalVramBytes().source()).contains("268435456").contains("not the VRAM");
        });
    }

    @Test
    void oldNvidiaDriverIsAskedAgainWithoutComputeCapability() {
        ScriptedRunner runner = new ScriptedRunner().answer("nvidia-smi", cmd -> cmd.get(1).contains("compute_cap")
                ? new CommandResult.Completed(cmd, 2, HardwareFixtures.text("nvidia/old-driver-no-compute-cap.txt"), "")
                : new CommandResult.Completed(cmd, 0, HardwareFixtures.text("nvidia/old-driver-without-compute-cap.csv"), ""));

        HardwareProfile profile = linux(runner, "linux-x86").build().detect();

        assertThat(profile.gpus()).singleElement().satisfies(g -> assertThat(g.name()).isEqualTo("Quadro RTX 4000"));
    }

    @Test
    void nvidiaDriverNotLoadedMeansNoNvidiaGpu() {
        ScriptedRunner runner = new ScriptedRunner().fails("nvidia-smi", 9, HardwareFixtures.text("nvidia/driver-not-loaded.txt"));

        assertThat(linux(runner, "linux-x86").build().detect().gpus()).isEmpty();
    }

    @Test
    void appleSiliconIsUnifiedMemoryWithTheMetalBudget() {
        ScriptedRunner runner = new ScriptedRunner().answer("sysctl", cmd -> new CommandResult.Completed(cmd, 0,
                cmd.contains("iogpu.wired_limit_mb") ? HardwareFixtures.text("apple/sysctl-wired-limit-default.txt")
                        : HardwareFixtures.text("apple/sysctl-m1-16gb.txt"), ""));

        HardwareProfile profile = HardwareDetector.builder().osName("Mac OS X").architecture("aarch64")
                .commandRunner(runner).systemProbe(new FakeProbe("14.4.1", "Apple M1", 8, 8, List.of(), 16 * GIB,
                        6 * GIB, List.of())).modelDirectory(models).build().detect();

        assertThat(profile.cpu().name()).isEqualTo("Apple M1");
        assertThat(profile.cpu().physicalCores()).isEqualTo(8);
        assertThat(profile.cpu().features()).containsExactly(CpuFeature.NEON);
        assertThat(profile.memory().totalBytes().value()).isEqualTo(16 * GIB);
        assertThat(profile.gpus()).singleElement().satisfies(g -> {
            assertThat(g.vendor()).isEqualTo(GpuVendor.APPLE);
            assertThat(g.name()).isEqualTo("Apple M1 GPU");
            assertThat(g.unifiedMemory()).isTrue();
            assertThat(g.integrated()).isTrue();
            assertThat(g.acceleration()).isEqualTo(Acceleration.METAL);
            assertThat(g.totalVramBytes().value()).isEqualTo(16 * GIB / 3 * 2);
            assertThat(g.totalVramBytes().source()).contains("estimated Metal recommendedMaxWorkingSetSize");
            // Only 6 GiB of RAM is available, less than the budget: that is what the GPU can take now.
            assertThat(g.freeVramBytes().value()).isEqualTo(6 * GIB);
        });
    }

    @Test
    void aUserSetWiredLimitReplacesTheEstimate() {
        ScriptedRunner runner = new ScriptedRunner().answer("sysctl", cmd -> new CommandResult.Completed(cmd, 0,
                cmd.contains("iogpu.wired_limit_mb") ? HardwareFixtures.text("apple/sysctl-wired-limit-12000.txt")
                        : HardwareFixtures.text("apple/sysctl-m1-16gb.txt"), ""));

        GpuInfo gpu = HardwareDetector.builder().osName("Mac OS X").architecture("aarch64").commandRunner(runner)
                .systemProbe(FakeProbe.typical()).modelDirectory(models).build().detect().gpus().get(0);

        assertThat(gpu.totalVramBytes().value()).isEqualTo(12000 * MIB);
        assertThat(gpu.totalVramBytes().source()).contains("user-set");
    }

    @Test
    void windowsTakesNvidiaFromNvidiaSmiAndTheRestFromTheRegistry() {
        ScriptedRunner runner = new ScriptedRunner()
                .prints("reg", HardwareFixtures.text("windows/reg-query-display-class.txt"))
                .prints("nvidia-smi", "0, NVIDIA GeForce RTX 3060, 12288, 11020, 566.36, 8.6, 00000000:01:00.0\r\n");
        FakeProbe probe = new FakeProbe("11", "AMD Ryzen 9 7950X 16-Core Processor", 16, 32,
                List.of("PF_AVX_INSTRUCTIONS_AVAILABLE", "PF_AVX2_INSTRUCTIONS_AVAILABLE",
                        "PF_AVX512F_INSTRUCTIONS_AVAILABLE"), 64 * GIB, 40 * GIB, List.of());

        HardwareProfile profile = HardwareDetector.builder().osName("Windows 11").architecture("amd64")
                .commandRunner(runner).systemProbe(probe).modelDirectory(models).build().detect();

        assertThat(profile.cpu().features()).containsExactlyInAnyOrder(CpuFeature.AVX, CpuFeature.AVX2,
                CpuFeature.AVX512F, CpuFeature.FMA, CpuFeature.F16C);
        assertThat(profile.cpu().source()).contains("inferred");
        assertThat(profile.memory().totalBytes().source()).isEqualTo("OSHI");
        assertThat(profile.gpus()).extracting(GpuInfo::name).containsExactly("NVIDIA GeForce RTX 3060",
                "AMD Radeon RX 7900 XTX", "Intel(R) UHD Graphics 770", "Intel(R) Arc(TM) A770 Graphics");
        assertThat(profile.gpus().get(0).freeVramBytes().value()).isEqualTo(11020 * MIB);
        assertThat(runner.calls).anySatisfy(c -> assertThat(c).containsExactly("reg", "query",
                "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}", "/s"));
    }

    @Test
    void garbageEverywhereGivesUnknownsNotExceptions() {
        ScriptedRunner runner = new ScriptedRunner()
                .prints("nvidia-smi", HardwareFixtures.text("nvidia/garbage.txt"))
                .prints("rocm-smi", "{\"card0\": ")
                .answer("reg", cmd -> {
                    throw new IllegalStateException("runner bug");
                });

        for (String os : List.of("Linux", "Windows 10", "Mac OS X", "FreeBSD")) {
            HardwareProfile profile = HardwareDetector.builder().osName(os).architecture("amd64")
                    .commandRunner(runner).fileSystemRoot(models).systemProbe(new BrokenProbe())
                    .modelDirectory(models).build().detect();

            assertThat(profile.cpu().physicalCores()).isPositive();
            assertThat(profile.cpu().source()).contains("no source answered");
            assertThat(profile.memory().totalBytes().isKnown()).isFalse();
            assertThat(profile.memory().totalBytes().source()).contains("native access unavailable");
        }
    }

    @Test
    void threadsFollowTheProcessorsTheJvmMayUseNotTheHostsCores() {
        FakeProbe container = new FakeProbe("11", "AMD Ryzen 9 7950X 16-Core Processor", 16, 32, List.of(),
                64 * GIB, 40 * GIB, List.of()).withAvailableProcessors(2);

        CpuInfo cpu = HardwareDetector.builder().osName("Windows 11").architecture("amd64")
                .commandRunner(new ScriptedRunner()).systemProbe(container).modelDirectory(models).build().detect().cpu();

        assertThat(cpu.physicalCores()).isEqualTo(16);
        assertThat(cpu.availableProcessors()).isEqualTo(2);
        assertThat(cpu.generationThreads()).isEqualTo(2);
        assertThat(cpu.source()).contains("this JVM may use 2 of the 32 processors");
    }

    @Test
    void onLinuxTheCoresComeFromCpuinfoAndTheLimitFromTheJvm() {
        CpuInfo cpu = linux(new ScriptedRunner(), "linux-x86").systemProbe(FakeProbe.typical().withAvailableProcessors(1))
                .build().detect().cpu();

        assertThat(cpu.physicalCores()).isEqualTo(2);
        assertThat(cpu.generationThreads()).isEqualTo(1);
    }

    @Test
    void withoutALimitEveryPhysicalCoreGenerates() {
        CpuInfo cpu = linux(new ScriptedRunner(), "linux-x86").build().detect().cpu();

        assertThat(cpu.availableProcessors()).isEqualTo(FakeProbe.typical().logicalCores());
        assertThat(cpu.generationThreads()).isEqualTo(cpu.physicalCores());
        assertThat(cpu.source()).doesNotContain("may use");
    }

    @Test
    void currentReadsFreeRamAgainAndKeepsTheRestOfTheSnapshot() {
        HardwareFixtures.ShiftingMemoryProbe probe = new HardwareFixtures.ShiftingMemoryProbe(FakeProbe.typical());
        ScriptedRunner runner = new ScriptedRunner();
        HardwareDetector detector = HardwareDetector.builder().osName("Windows 11").architecture("amd64")
                .commandRunner(runner).systemProbe(probe).modelDirectory(models).build();

        HardwareProfile first = detector.current();
        int toolRuns = runner.count.get();
        probe.availableMemory.set(3 * GIB);
        HardwareProfile later = detector.current();

        assertThat(first.memory().availableBytes().value()).isEqualTo(20 * GIB);
        assertThat(later.memory().availableBytes().value()).isEqualTo(3 * GIB);
        assertThat(later.memory().totalBytes()).isEqualTo(first.memory().totalBytes());
        assertThat(later.cpu()).isSameAs(first.cpu());
        assertThat(later.gpus()).isEqualTo(first.gpus());
        assertThat(later.detectedAt()).isAfterOrEqualTo(first.detectedAt());
        assertThat(runner.count.get()).as("no tool runs again").isEqualTo(toolRuns);
        assertThat(detector.detect()).as("the snapshot stays as taken").isSameAs(first);
        assertThat(detector.detect().memory().availableBytes().value()).isEqualTo(20 * GIB);
    }

    @Test
    void onLinuxCurrentReadsProcMeminfoAgain() throws Exception {
        Path root = models.resolve("root");
        Path meminfo = Files.createDirectories(root.resolve("proc")).resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       16384000 kB\nMemAvailable:   10240000 kB\n");
        HardwareDetector detector = HardwareDetector.builder().osName("Linux").architecture("amd64")
                .commandRunner(new ScriptedRunner()).fileSystemRoot(root).systemProbe(FakeProbe.typical())
                .modelDirectory(models).build();

        assertThat(detector.detect().memory().availableBytes().value()).isEqualTo(10240000L * 1024);
        Files.writeString(meminfo, "MemTotal:       16384000 kB\nMemAvailable:    1024000 kB\n");

        HardwareProfile now = detector.current();

        assertThat(now.memory().availableBytes().value()).isEqualTo(1024000L * 1024);
        assertThat(now.memory().availableBytes().source()).isEqualTo("/proc/meminfo MemAvailable");
        assertThat(now.memory().totalBytes().value()).isEqualTo(16384000L * 1024);
    }

    @Test
    void anAppleGpusFreeShareFollowsTheRamFreeNow() {
        ScriptedRunner runner = new ScriptedRunner().answer("sysctl", cmd -> new CommandResult.Completed(cmd, 0,
                cmd.contains("iogpu.wired_limit_mb") ? HardwareFixtures.text("apple/sysctl-wired-limit-default.txt")
                        : HardwareFixtures.text("apple/sysctl-m1-16gb.txt"), ""));
        HardwareFixtures.ShiftingMemoryProbe probe = new HardwareFixtures.ShiftingMemoryProbe(
                new FakeProbe("14.4.1", "Apple M1", 8, 8, List.of(), 16 * GIB, 9 * GIB, List.of()));
        HardwareDetector detector = HardwareDetector.builder().osName("Mac OS X").architecture("aarch64")
                .commandRunner(runner).systemProbe(probe).modelDirectory(models).build();
        GpuInfo before = detector.detect().gpus().get(0);

        probe.availableMemory.set(4 * GIB);
        GpuInfo now = detector.current().gpus().get(0);

        // The budget (two thirds of 16 GiB) is above what is free either time: free RAM decides.
        assertThat(before.freeVramBytes().value()).isEqualTo(9 * GIB);
        assertThat(now.freeVramBytes().value()).isEqualTo(4 * GIB);
        assertThat(now.totalVramBytes()).isEqualTo(before.totalVramBytes());
    }

    @Test
    void absurdValuesAreRefusedWithTheReason() {
        FakeProbe absurd = new FakeProbe("10", "Broken VM CPU", 0, 0, List.of(), -1, -5, List.of());

        HardwareProfile profile = HardwareDetector.builder().osName("Windows 10").architecture("amd64")
                .commandRunner(new ScriptedRunner()).systemProbe(absurd).modelDirectory(models).build().detect();

        assertThat(profile.cpu().physicalCores()).isEqualTo(1);
        assertThat(profile.cpu().logicalCores()).isPositive();
        assertThat(profile.cpu().source()).contains("0 physical cores reported, which is impossible; counted as 1")
                .contains("0 logical processors reported");
        assertThat(profile.memory().totalBytes().isKnown()).isFalse();
        assertThat(profile.memory().totalBytes().source()).contains("-1 bytes").contains("impossible");
        assertThat(profile.memory().availableBytes().isKnown()).isFalse();
    }

    @Test
    void aModelDirectoryThatDoesNotExistYetIsMeasuredAtItsNearestParent() throws Exception {
        Path planned = models.resolve("not/yet/here");

        HardwareProfile profile = linux(new ScriptedRunner(), "linux-x86").modelDirectory(planned).build().detect();

        assertThat(profile.disk().directory()).isEqualTo(models.toAbsolutePath().normalize());
        assertThat(profile.disk().freeBytes().value()).isPositive();
        assertThat(profile.disk().freeBytes().source()).contains("nearest existing parent");
        assertThat(Files.exists(planned)).isFalse();
    }

    @Test
    void detectionIsCachedUntilRefreshedAndSharedAcrossThreads() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().prints("nvidia-smi", HardwareFixtures.text("nvidia/rtx4090-a100.csv"));
        HardwareDetector detector = linux(runner, "linux-x86").build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<HardwareProfile>> results = pool.invokeAll(
                    java.util.Collections.nCopies(8, detector::detect));
            HardwareProfile first = results.get(0).get();
            for (Future<HardwareProfile> r : results) {
                assertThat(r.get()).isSameAs(first);
            }
            int callsAfterDetect = runner.count.get();
            assertThat(detector.detect()).isSameAs(first);
            assertThat(runner.count.get()).isEqualTo(callsAfterDetect);

            HardwareProfile refreshed = detector.refresh();

            assertThat(refreshed).isNotSameAs(first);
            assertThat(runner.count.get()).isEqualTo(2 * callsAfterDetect);
            assertThat(detector.detect()).isSameAs(refreshed);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(10)
    void aHungNvidiaSmiIsAbandonedAndDetectionCompletes() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sleep")) || Files.isExecutable(Path.of("/usr/bin/sleep")));
        CommandRunner real = CommandRunner.processes();
        // Every tool is replaced by a process that hangs; the real runner must kill each at the limit.
        CommandRunner hanging = (command, timeout) -> real.run(List.of("sleep", "10"), timeout);

        HardwareProfile profile = HardwareDetector.builder().osName("Linux").architecture("amd64")
                .commandRunner(hanging).commandTimeout(Duration.ofMillis(200))
                .fileSystemRoot(HardwareFixtures.path("linux-x86")).systemProbe(FakeProbe.typical())
                .modelDirectory(models).build().detect();

        assertThat(profile.gpus()).isEmpty();
        assertThat(profile.cpu().logicalCores()).isEqualTo(2);
    }
}
