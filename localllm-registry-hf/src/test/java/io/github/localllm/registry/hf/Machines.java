package io.github.localllm.registry.hf;

import io.github.localllm.hardware.Acceleration;
import io.github.localllm.hardware.CpuInfo;
import io.github.localllm.hardware.DiskInfo;
import io.github.localllm.hardware.GpuInfo;
import io.github.localllm.hardware.GpuVendor;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.MemoryInfo;
import io.github.localllm.hardware.Reading;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Hand-built machines, so plans do not depend on the machine the tests run on. */
final class Machines {
    static final long GIB = 1024L * 1024 * 1024;

    private Machines() {
    }

    static HardwareProfile withRam(long total, long available) {
        return new HardwareProfile("Linux", "6.8", "amd64", new CpuInfo("Test CPU", 4, 8, Set.of()),
                new MemoryInfo(Reading.of(total, "test"), Reading.of(available, "test")),
                new DiskInfo(Path.of("/models"), Reading.unknown("not measured in this test")), List.of(), Instant.EPOCH);
    }

    /** 32 GiB of RAM and a 24 GiB NVIDIA card, 23.5 GiB of it free. */
    static HardwareProfile gpuDesktop() {
        GpuInfo gpu = new GpuInfo(GpuVendor.NVIDIA, "NVIDIA GeForce RTX 4090", Reading.of(24 * GIB, "test"),
                Reading.of((long) (23.5 * GIB), "test"), Reading.of("560.35", "test"), Reading.of("8.9", "test"), false,
                false, Acceleration.CUDA);
        return new HardwareProfile("Linux", "6.8", "amd64", new CpuInfo("Test CPU", 8, 16, Set.of()),
                new MemoryInfo(Reading.of(32 * GIB, "test"), Reading.of(20 * GIB, "test")),
                new DiskInfo(Path.of("/models"), Reading.unknown("not measured in this test")), List.of(gpu),
                Instant.EPOCH);
    }

    static HardwareProfile laptop() {
        return withRam(16 * GIB, 12 * GIB);
    }
}
