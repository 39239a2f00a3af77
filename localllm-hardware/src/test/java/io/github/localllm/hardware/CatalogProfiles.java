package io.github.localllm.hardware;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Hand-built machines for the catalog tests. */
final class CatalogProfiles {
    static final long GIB = 1024L * 1024 * 1024;

    private CatalogProfiles() {
    }

    static HardwareProfile machine(long totalRam, Long availableRam, List<GpuInfo> gpus) {
        MemoryInfo memory = new MemoryInfo(Reading.of(totalRam, "test"),
                availableRam == null ? Reading.unknown("not measured in this test") : Reading.of(availableRam, "test"));
        return new HardwareProfile("Linux", "6.8", "amd64", new CpuInfo("Test CPU", 4, 8, Set.of()), memory,
                new DiskInfo(Path.of("/models"), Reading.unknown("not measured in this test")), gpus, Instant.EPOCH);
    }

    /** An 8 GB laptop without a usable GPU, with 5.5 GiB available. */
    static HardwareProfile laptop8GbNoGpu() {
        return machine(8 * GIB, (long) (5.5 * GIB), List.of());
    }

    /** A desktop with 32 GiB RAM and a 24 GiB NVIDIA card, 23.5 GiB of it free. */
    static HardwareProfile desktopWith24GbGpu() {
        GpuInfo gpu = new GpuInfo(GpuVendor.NVIDIA, "NVIDIA GeForce RTX 4090", Reading.of(24 * GIB, "nvidia-smi"),
                Reading.of((long) (23.5 * GIB), "nvidia-smi"), Reading.of("560.35", "nvidia-smi"),
                Reading.of("8.9", "nvidia-smi"), false, false, Acceleration.CUDA);
        return machine(32 * GIB, 20 * GIB, List.of(gpu));
    }

    /** A 4 GB machine with the given available RAM. */
    static HardwareProfile small4Gb(long availableRam) {
        return machine(4 * GIB, availableRam, List.of());
    }
}
