package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AmdTest {

    @Test
    void rocmSmiJsonGivesVramGfxTargetAndRocm() {
        RocmSmi.Result result = RocmSmi.parse(HardwareFixtures.text("amd/rocm-smi-rx7900xt.json"));

        assertThat(result.problem()).isNull();
        GpuInfo gpu = result.gpus().get(0);
        assertThat(gpu.vendor()).isEqualTo(GpuVendor.AMD);
        assertThat(gpu.name()).isEqualTo("Radeon RX 7900 XT");
        assertThat(gpu.totalVramBytes().value()).isEqualTo(21458059264L);
        assertThat(gpu.freeVramBytes().value()).isEqualTo(21458059264L - 27856896L);
        assertThat(gpu.freeVramBytes().source()).contains("rocm-smi");
        assertThat(gpu.computeCapability().value()).isEqualTo("gfx1100");
        assertThat(gpu.acceleration()).isEqualTo(Acceleration.ROCM);
        assertThat(gpu.integrated()).isFalse();
        assertThat(gpu.driverVersion().isKnown()).isFalse();
    }

    @Test
    void discreteAndIntegratedGpusOnOneMachine() {
        List<GpuInfo> gpus = RocmSmi.parse(HardwareFixtures.text("amd/rocm-smi-rx6800-raphael.json")).gpus();

        assertThat(gpus).hasSize(2);
        assertThat(gpus.get(0).acceleration()).isEqualTo(Acceleration.ROCM);
        assertThat(gpus.get(0).totalVramBytes().value()).isEqualTo(17163091968L);
        assertThat(gpus.get(1).name()).isEqualTo("Raphael");
        assertThat(gpus.get(1).integrated()).isTrue();
        // gfx1036 is not on ROCm's support list: Vulkan it is.
        assertThat(gpus.get(1).acceleration()).isEqualTo(Acceleration.VULKAN);
    }

    @Test
    void productNameWithoutMemoryKeysLeavesVramUnknown() {
        GpuInfo gpu = RocmSmi.parse(HardwareFixtures.text("amd/rocm-smi-mi200-productname-only.json")).gpus().get(0);

        assertThat(gpu.name()).startsWith("AMD INSTINCT MI200");
        assertThat(gpu.totalVramBytes().isKnown()).isFalse();
        assertThat(gpu.totalVramBytes().source()).contains("missing");
        assertThat(gpu.freeVramBytes().isKnown()).isFalse();
        assertThat(gpu.computeCapability().value()).isEqualTo("gfx9010");
    }

    @Test
    void nonJsonOutputIsAProblemNotAnException() {
        RocmSmi.Result result = RocmSmi.parse(HardwareFixtures.text("amd/rocm-smi-plain-text-not-json.txt"));

        assertThat(result.gpus()).isEmpty();
        assertThat(result.problem()).contains("no valid JSON");
        assertThat(RocmSmi.parse("[1,2]").problem()).contains("not an object");
        assertThat(RocmSmi.parse("{}").problem()).contains("no cards");
    }

    @Test
    void sysfsTreeGivesAmdCardsOnly() {
        List<SystemProbe.GraphicsCard> oshi = List.of(new SystemProbe.GraphicsCard(
                "Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]", "Advanced Micro Devices, Inc. [AMD/ATI]", "0x73bf", 268435456L, "unknown"));

        List<GpuInfo> gpus = AmdSysfs.read(HardwareFixtures.path("sysfs-amd"), oshi);

        assertThat(gpus).hasSize(2);
        GpuInfo rx = gpus.get(0);
        assertThat(rx.name()).isEqualTo("Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]");
        // sysfs knows the real 16 GiB, not OSHI's 256 MiB BAR window.
        assertThat(rx.totalVramBytes().value()).isEqualTo(17163091968L);
        assertThat(rx.totalVramBytes().source()).contains("mem_info_vram_total");
        assertThat(rx.freeVramBytes().value()).isEqualTo(17163091968L - 692142080L);
        assertThat(rx.integrated()).isFalse();
        assertThat(rx.computeCapability().isKnown()).isFalse();
        GpuInfo apu = gpus.get(1);
        assertThat(apu.name()).isEqualTo("AMD GPU [1002:164e]");
        assertThat(apu.integrated()).isTrue();
    }

    @Test
    void missingSysfsIsNoGpus() {
        assertThat(AmdSysfs.read(HardwareFixtures.path("linux-x86"), List.of())).isEmpty();
    }
}
