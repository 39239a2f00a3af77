package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformParsersTest {
    private static final long GIB = 1L << 30;

    @Test
    void x86CpuinfoGivesCoresAndAvxFamily() {
        LinuxCpuInfo cpu = LinuxCpuInfo.parse(HardwareFixtures.text("linux-x86/proc/cpuinfo"));

        assertThat(cpu.name()).isEqualTo("Intel(R) Xeon(R) Processor");
        assertThat(cpu.logicalCores()).isEqualTo(2);
        assertThat(cpu.physicalCores()).isEqualTo(2);
        assertThat(cpu.features()).containsExactlyInAnyOrder(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.AVX512F,
                CpuFeature.FMA, CpuFeature.F16C);
    }

    @Test
    void aarch64CpuinfoCallsNeonAsimdAndDotProductAsimddp() {
        LinuxCpuInfo cpu = LinuxCpuInfo.parse(HardwareFixtures.text("linux-arm/proc/cpuinfo"));

        assertThat(cpu.name()).isNull();
        assertThat(cpu.physicalCores()).isZero();
        assertThat(cpu.features()).containsExactlyInAnyOrder(CpuFeature.NEON, CpuFeature.SVE, CpuFeature.DOTPROD,
                CpuFeature.I8MM);
    }

    @Test
    void garbageCpuinfoIsEmptyNotAnError() {
        LinuxCpuInfo cpu = LinuxCpuInfo.parse("\u0000\u0001 no colons here\n:::\n");

        assertThat(cpu.logicalCores()).isZero();
        assertThat(cpu.flagsFound()).isFalse();
    }

    @Test
    void macSysctlOfAnM1() {
        Map<String, String> sysctl = MacSysctl.parse(HardwareFixtures.text("apple/sysctl-m1-16gb.txt"));

        assertThat(sysctl).containsEntry("hw.memsize", "17179869184").containsEntry("machdep.cpu.brand_string", "Apple M1");
        assertThat(CpuFeatures.fromSysctl(sysctl)).containsExactly(CpuFeature.NEON);
        assertThat(CpuFeatures.fromSysctl(Map.of("hw.optional.arm.AdvSIMD", "1", "hw.optional.arm.FEAT_SVE", "0")))
                .containsExactly(CpuFeature.NEON);
        assertThat(CpuFeatures.fromSysctl(Map.of("hw.optional.avx1_0", "1", "hw.optional.avx2_0", "1",
                "hw.optional.fma", "1", "hw.optional.f16c", "1", "hw.optional.avx512f", "0")))
                .containsExactlyInAnyOrder(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C);
    }

    @Test
    void appleBudgetFollowsMetalsDefaultsAndTheUserLimit() {
        // Logged recommendedMaxWorkingSetSize: 10922.67 MB on 16 GiB, 21845.34 MB on 32 GiB.
        assertThat(AppleGpu.budget(Reading.of(16 * GIB, "t"), "0").value() / (1 << 20)).isEqualTo(10922L);
        assertThat(AppleGpu.budget(Reading.of(32 * GIB, "t"), null).value() / (1 << 20)).isEqualTo(21845L);
        Reading<Long> big = AppleGpu.budget(Reading.of(64 * GIB, "t"), null);
        assertThat(big.value()).isEqualTo(48 * GIB);
        assertThat(big.source()).contains("estimated").contains("3/4");
        Reading<Long> user = AppleGpu.budget(Reading.of(16 * GIB, "t"), "12000");
        assertThat(user.value()).isEqualTo(12000L << 20);
        assertThat(user.source()).contains("iogpu.wired_limit_mb");
        assertThat(AppleGpu.budget(Reading.unknown("no RAM"), null).isKnown()).isFalse();
    }

    @Test
    void windowsRegistryGivesSixtyFourBitSizes() {
        List<GpuInfo> gpus = WindowsRegistry.parse(HardwareFixtures.text("windows/reg-query-display-class.txt"));

        assertThat(gpus).extracting(GpuInfo::name).containsExactly("AMD Radeon RX 7900 XTX",
                "NVIDIA GeForce RTX 3060", "Intel(R) UHD Graphics 770", "Intel(R) Arc(TM) A770 Graphics");
        GpuInfo amd = gpus.get(0);
        assertThat(amd.vendor()).isEqualTo(GpuVendor.AMD);
        assertThat(amd.totalVramBytes().value()).isEqualTo(24 * GIB);
        assertThat(amd.totalVramBytes().source()).contains("qwMemorySize");
        assertThat(amd.driverVersion().value()).isEqualTo("31.0.24033.1003");
        assertThat(amd.freeVramBytes().isKnown()).isFalse();
        assertThat(amd.acceleration()).isEqualTo(Acceleration.VULKAN);
        GpuInfo nvidia = gpus.get(1);
        assertThat(nvidia.vendor()).isEqualTo(GpuVendor.NVIDIA);
        assertThat(nvidia.totalVramBytes().value()).isEqualTo(12 * GIB);
        assertThat(nvidia.acceleration()).isEqualTo(Acceleration.CUDA);
        GpuInfo uhd = gpus.get(2);
        assertThat(uhd.totalVramBytes().value()).isEqualTo(2 * GIB);
        assertThat(uhd.totalVramBytes().source()).contains("32-bit");
        assertThat(uhd.integrated()).isTrue();
        GpuInfo arc = gpus.get(3);
        assertThat(arc.integrated()).isFalse();
        assertThat(arc.totalVramBytes().isKnown()).isFalse();
        assertThat(arc.totalVramBytes().source()).contains("capped at 4 GiB");
    }

    @Test
    void intelNamesTellArcCardsFromIntegratedGraphics() {
        assertThat(IntelGpu.integrated("Intel(R) Arc(TM) A770 Graphics")).isFalse();
        assertThat(IntelGpu.integrated("Intel(R) Arc(TM) B580 Graphics")).isFalse();
        assertThat(IntelGpu.integrated("Intel(R) Arc(TM) Pro B60 Graphics")).isFalse();
        assertThat(IntelGpu.integrated("Intel(R) Arc(TM) Graphics")).isTrue();
        assertThat(IntelGpu.integrated("Intel(R) Iris(R) Xe Graphics")).isTrue();
    }

    @Test
    void windowsFeatureFlagsMapAndInferFmaFromAvx2() {
        var features = CpuFeatures.fromWindowsFlags(List.of("PF_AVX_INSTRUCTIONS_AVAILABLE",
                "PF_AVX2_INSTRUCTIONS_AVAILABLE", "PF_SSE3_INSTRUCTIONS_AVAILABLE"), true);

        assertThat(features).containsExactlyInAnyOrder(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA,
                CpuFeature.F16C);
        assertThat(CpuFeatures.fromWindowsFlags(List.of("PF_ARM_NEON_INSTRUCTIONS_AVAILABLE"), false))
                .containsExactly(CpuFeature.NEON);
    }
}
