package io.github.localllm.hardware;

import java.util.Locale;
import java.util.Objects;

/**
 * The memory bandwidth a speed estimate rests on, and why that figure. Generation reads every active
 * weight once per token, so tokens per second is bounded by bandwidth / bytes per token; real engines
 * reach roughly 50–80% of that bound. No detector reads bandwidth, so these are published peak figures
 * per device class, or a conservative figure named as such.
 *
 * @param bytesPerSecond peak bandwidth
 * @param basis where the figure comes from
 */
public record BandwidthAssumption(double bytesPerSecond, String basis) {
    private static final double GB = 1e9;

    /** Checks the figure. */
    public BandwidthAssumption {
        Objects.requireNonNull(basis, "basis");
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("bandwidth must be positive, got " + bytesPerSecond);
        }
    }

    /**
     * System RAM: not detectable portably, so a conservative dual-channel DDR4-3200 figure
     * (2 × 25.6 GB/s), below most desktops and laptops sold since 2019.
     *
     * @return the assumption for the CPU's memory
     */
    public static BandwidthAssumption systemRam() {
        return new BandwidthAssumption(51.2 * GB, "system RAM assumed dual-channel DDR4-3200, 51.2 GB/s peak"
                + " (not measured; faster memory gives proportionally more)");
    }

    /**
     * @param gpu a GPU
     * @return its published bandwidth when the model is recognised, else a conservative class figure
     */
    public static BandwidthAssumption forGpu(GpuInfo gpu) {
        String name = gpu.name().toLowerCase(Locale.ROOT);
        if (gpu.vendor() == GpuVendor.APPLE) {
            double gbs = name.contains("ultra") ? 800 : name.contains("max") ? 400 : name.contains("pro") ? 200 : 100;
            return new BandwidthAssumption(gbs * GB, "Apple " + gpu.name() + ": " + (int) gbs
                    + " GB/s unified memory, Apple's published figure for its class (base/Pro/Max/Ultra)");
        }
        if (gpu.vendor() == GpuVendor.NVIDIA) {
            String[][] known = {{"4090", "1008"}, {"4080", "717"}, {"4070 ti", "504"}, {"4070", "504"},
                {"4060 ti", "288"}, {"4060", "272"}, {"3090", "936"}, {"3080", "760"}, {"3070", "448"},
                {"3060", "360"}, {"a100", "1555"}, {"h100", "2039"}, {"l4", "300"}, {"t4", "320"}};
            for (String[] k : known) {
                if (name.contains(k[0])) {
                    return new BandwidthAssumption(Double.parseDouble(k[1]) * GB, gpu.name() + ": " + k[1]
                            + " GB/s, NVIDIA's published figure");
                }
            }
        }
        if (gpu.integrated()) {
            return new BandwidthAssumption(51.2 * GB, gpu.name() + ": integrated, shares system RAM; assumed"
                    + " dual-channel DDR4-3200, 51.2 GB/s (not measured)");
        }
        return new BandwidthAssumption(256 * GB, gpu.name() + ": model not recognised; assumed 256 GB/s, the"
                + " low end of discrete GPUs that can run LLMs (not measured)");
    }

    @Override
    public String toString() {
        return basis;
    }
}
