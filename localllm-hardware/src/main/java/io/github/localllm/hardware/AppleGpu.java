package io.github.localllm.hardware;

import java.util.Map;

/**
 * The Apple Silicon GPU. It has no memory of its own: Metal lets it wire at most
 * {@code recommendedMaxWorkingSetSize} of the unified memory. That figure needs the Metal API, which
 * the JVM cannot call without native code, so it is approximated the way Apple's driver computes it
 * (reverse-engineered in llama.cpp discussion #2182 and matching logs in llama.cpp issues: 10922.67 MB
 * of 16 GiB, 21845.34 MB of 32 GiB): two thirds of RAM up to 32 GiB, three quarters above. Newer macOS
 * releases grant large machines more (107.5 GiB of 128 GiB has been measured), so above 32 GiB the
 * estimate errs low. A user-set {@code iogpu.wired_limit_mb} replaces the default and is used as is.
 */
final class AppleGpu {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private AppleGpu() {
    }

    /**
     * @param chip the chip name, e.g. {@code Apple M2 Max}
     * @param ram total RAM
     * @param available RAM available now
     * @param wiredLimitMb {@code iogpu.wired_limit_mb}, or {@code null} when absent
     * @return the GPU
     */
    static GpuInfo gpu(String chip, Reading<Long> ram, Reading<Long> available, String wiredLimitMb) {
        Reading<Long> budget = budget(ram, wiredLimitMb);
        return new GpuInfo(GpuVendor.APPLE, chip + " GPU", budget, free(budget, available),
                Reading.unknown("Apple's GPU driver is part of macOS and has no separate version"),
                Reading.unknown("Apple GPUs have no compute capability; Metal feature sets apply"),
                true, true, Acceleration.METAL);
    }

    /**
     * @param gpu an Apple GPU as detected
     * @param available RAM available now
     * @return the GPU with its free memory following the RAM available now, its budget unchanged
     */
    static GpuInfo withAvailable(GpuInfo gpu, Reading<Long> available) {
        return new GpuInfo(gpu.vendor(), gpu.name(), gpu.totalVramBytes(), free(gpu.totalVramBytes(), available),
                gpu.driverVersion(), gpu.computeCapability(), gpu.integrated(), gpu.unifiedMemory(),
                gpu.acceleration());
    }

    private static Reading<Long> free(Reading<Long> budget, Reading<Long> available) {
        if (budget.isKnown() && available.isKnown()) {
            return Reading.of(Math.min(budget.value(), available.value()),
                    "the smaller of the Metal budget and available RAM (unified memory)");
        }
        return Reading.unknown("free GPU memory needs the Metal budget and available RAM");
    }

    static Reading<Long> budget(Reading<Long> ram, String wiredLimitMb) {
        Long limit = Readings.parseLong(wiredLimitMb);
        if (limit != null && limit > 0) {
            return Reading.of(limit * MIB, "sysctl iogpu.wired_limit_mb (user-set GPU wired-memory limit)");
        }
        if (!ram.isKnown()) {
            return Reading.unknown("the Metal budget is a share of RAM, which is unknown");
        }
        long total = ram.value();
        if (total <= 32 * GIB) {
            return Reading.of(total / 3 * 2, "estimated Metal recommendedMaxWorkingSetSize: 2/3 of "
                    + total + " bytes unified memory (macOS default up to 32 GiB)");
        }
        return Reading.of(total / 4 * 3, "estimated Metal recommendedMaxWorkingSetSize: 3/4 of "
                + total + " bytes unified memory (macOS default above 32 GiB; newer macOS may allow more)");
    }

    /**
     * @param sysctl values from {@link MacSysctl}
     * @return the chip name, or a generic one
     */
    static String chip(Map<String, String> sysctl) {
        String brand = sysctl.get("machdep.cpu.brand_string");
        return brand == null || brand.isBlank() ? "Apple Silicon" : brand.strip();
    }
}
