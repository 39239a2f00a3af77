package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiTest {
    private static final long MIB = 1L << 20;

    @Test
    void queryUsesTheDocumentedFieldsAndFormat() {
        assertThat(NvidiaSmi.command(true)).containsExactly("nvidia-smi",
                "--query-gpu=index,name,memory.total,memory.free,driver_version,compute_cap,pci.bus_id",
                "--format=csv,noheader,nounits");
        assertThat(NvidiaSmi.command(false).get(1)).doesNotContain("compute_cap");
    }

    @Test
    void readsEveryGpuOfAMixedMachine() {
        List<GpuInfo> gpus = NvidiaSmi.parse(HardwareFixtures.text("nvidia/rtx4090-a100.csv"), true);

        assertThat(gpus).extracting(GpuInfo::name).containsExactly("NVIDIA GeForce RTX 4090", "NVIDIA A100-SXM4-80GB");
        GpuInfo rtx = gpus.get(0);
        assertThat(rtx.totalVramBytes().value()).isEqualTo(24564 * MIB);
        assertThat(rtx.totalVramBytes().source()).contains("nvidia-smi");
        assertThat(rtx.freeVramBytes().value()).isEqualTo(24057 * MIB);
        assertThat(rtx.driverVersion().value()).isEqualTo("550.163.01");
        assertThat(rtx.computeCapability().value()).isEqualTo("8.9");
        assertThat(rtx.acceleration()).isEqualTo(Acceleration.CUDA);
        assertThat(rtx.integrated()).isFalse();
        assertThat(rtx.unifiedMemory()).isFalse();
        assertThat(gpus.get(1).totalVramBytes().value()).isEqualTo(81920 * MIB);
        assertThat(gpus.get(1).computeCapability().value()).isEqualTo("8.0");
    }

    @Test
    void unansweredAndImpossibleFieldsAreUnknownWithTheReason() {
        List<GpuInfo> gpus = NvidiaSmi.parse(HardwareFixtures.text("nvidia/a100x4-with-na-and-negative.csv"), true);

        assertThat(gpus).hasSize(4);
        GpuInfo na = gpus.get(2);
        assertThat(na.totalVramBytes().isKnown()).isTrue();
        assertThat(na.freeVramBytes().isKnown()).isFalse();
        assertThat(na.freeVramBytes().source()).contains("[N/A]");
        assertThat(na.computeCapability().isKnown()).isFalse();
        GpuInfo negative = gpus.get(3);
        assertThat(negative.totalVramBytes().isKnown()).isFalse();
        assertThat(negative.totalVramBytes().source()).contains("impossible");
        // Free memory cannot be checked against an unknown total, but is itself plausible.
        assertThat(negative.freeVramBytes().value()).isEqualTo(81000 * MIB);
    }

    @Test
    void oldDriversAreReadWithoutComputeCapability() {
        List<GpuInfo> gpus = NvidiaSmi.parse(HardwareFixtures.text("nvidia/old-driver-without-compute-cap.csv"), false);

        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("Quadro RTX 4000");
            assertThat(g.totalVramBytes().value()).isEqualTo(8192 * MIB);
            assertThat(g.computeCapability().isKnown()).isFalse();
            assertThat(g.computeCapability().source()).contains("510");
        });
    }

    @Test
    void garbageBecomesAnExplicitlyUnknownGpu() {
        List<GpuInfo> gpus = NvidiaSmi.parse(HardwareFixtures.text("nvidia/garbage.txt"), true);

        assertThat(gpus).isNotEmpty().allSatisfy(g -> {
            assertThat(g.vendor()).isEqualTo(GpuVendor.NVIDIA);
            assertThat(g.totalVramBytes().isKnown()).isFalse();
            assertThat(g.totalVramBytes().source()).contains("expected 7");
            assertThat(g.driverVersion().isKnown()).isFalse();
        });
    }

    @Test
    void emptyOutputMeansNoGpus() {
        assertThat(NvidiaSmi.parse("\n\n", true)).isEmpty();
    }
}
