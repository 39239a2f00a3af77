package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class HardwareChoiceTest {

    @Test
    void cudaForNvidiaMetalOnAppleVulkanForAmdAndIntelTheCpuOtherwise() {
        assertThat(HardwareChoice.accelerator(linux(gpu(GpuVendor.NVIDIA, Acceleration.CUDA, false))))
                .isEqualTo(Accelerator.CUDA);
        assertThat(HardwareChoice.accelerator(machine("Mac OS X", "aarch64", gpu(GpuVendor.APPLE, Acceleration.METAL, true))))
                .isEqualTo(Accelerator.METAL);
        assertThat(HardwareChoice.accelerator(linux(gpu(GpuVendor.AMD, Acceleration.ROCM, false))))
                .isEqualTo(Accelerator.VULKAN);
        assertThat(HardwareChoice.accelerator(linux(gpu(GpuVendor.INTEL, Acceleration.VULKAN, true))))
                .isEqualTo(Accelerator.VULKAN);
        assertThat(HardwareChoice.accelerator(linux())).isEqualTo(Accelerator.CPU);
    }

    @Test
    void theBestGpuWinsAndOneThatCannotAccelerateCountsForNothing() {
        assertThat(HardwareChoice.accelerator(linux(gpu(GpuVendor.INTEL, Acceleration.VULKAN, true),
                gpu(GpuVendor.NVIDIA, Acceleration.CUDA, false)))).isEqualTo(Accelerator.CUDA);
        // An Intel Mac's GPU: detection says nothing can use it.
        assertThat(HardwareChoice.accelerator(machine("Mac OS X", "x86_64", gpu(GpuVendor.INTEL, Acceleration.NONE, true))))
                .isEqualTo(Accelerator.CPU);
        assertThat(HardwareChoice.accelerator(linux(gpu(GpuVendor.OTHER, Acceleration.NONE, false))))
                .isEqualTo(Accelerator.CPU);
    }

    @Test
    void thePlatformComesFromTheOperatingSystemAndArchitecture() {
        assertThat(HardwareChoice.platform(linux())).contains(Platform.LINUX_X64);
        assertThat(HardwareChoice.platform(machine("Mac OS X", "aarch64"))).contains(Platform.MACOS_ARM64);
        assertThat(HardwareChoice.platform(machine("Windows 11", "amd64"))).contains(Platform.WINDOWS_X64);
        assertThat(HardwareChoice.platform(machine("Linux", "aarch64"))).isEmpty();
    }

    private static HardwareProfile linux(GpuInfo... gpus) {
        return machine("Linux", "amd64", gpus);
    }

    private static HardwareProfile machine(String os, String arch, GpuInfo... gpus) {
        return new HardwareProfile(os, "1", arch, new CpuInfo("Test CPU", 4, 8, Set.of()),
                new MemoryInfo(Reading.of(16L << 30, "test"), Reading.of(8L << 30, "test")),
                new DiskInfo(Path.of("/"), Reading.of(100L << 30, "test")), List.of(gpus), Instant.EPOCH);
    }

    private static GpuInfo gpu(GpuVendor vendor, Acceleration acceleration, boolean integrated) {
        return new GpuInfo(vendor, vendor + " GPU", Reading.of(8L << 30, "test"), Reading.of(6L << 30, "test"),
                Reading.of("1.0", "test"), Reading.unknown("test"), integrated, vendor == GpuVendor.APPLE, acceleration);
    }
}
