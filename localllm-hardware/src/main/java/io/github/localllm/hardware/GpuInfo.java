package io.github.localllm.hardware;

import java.util.Objects;

/**
 * One GPU.
 *
 * @param vendor who made it
 * @param name its model name
 * @param totalVramBytes memory on the device; for unified memory, the share the GPU may use
 * @param freeVramBytes memory free on the device now
 * @param driverVersion the driver's version
 * @param computeCapability NVIDIA compute capability (e.g. {@code 8.6}) or AMD gfx target (e.g. {@code gfx1100})
 * @param integrated shares the CPU's package and memory controller
 * @param unifiedMemory CPU and GPU share one memory pool (Apple Silicon)
 * @param acceleration the best llama.cpp backend for it
 */
public record GpuInfo(GpuVendor vendor, String name, Reading<Long> totalVramBytes, Reading<Long> freeVramBytes,
                      Reading<String> driverVersion, Reading<String> computeCapability, boolean integrated,
                      boolean unifiedMemory, Acceleration acceleration) {

    /** Checks no part is missing. */
    public GpuInfo {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(totalVramBytes, "totalVramBytes");
        Objects.requireNonNull(freeVramBytes, "freeVramBytes");
        Objects.requireNonNull(driverVersion, "driverVersion");
        Objects.requireNonNull(computeCapability, "computeCapability");
        Objects.requireNonNull(acceleration, "acceleration");
    }
}
