package io.github.localllm.hardware;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of the machine, as {@link HardwareDetector} saw it.
 *
 * @param osName operating system, e.g. {@code Linux}
 * @param osVersion its version
 * @param architecture CPU architecture as Java names it, e.g. {@code amd64}, {@code aarch64}
 * @param cpu the processor
 * @param memory system RAM
 * @param disk the model directory's storage
 * @param gpus every GPU, possibly none
 * @param detectedAt when the figures were read (for {@link HardwareDetector#current()}, the free memory and disk)
 */
public record HardwareProfile(String osName, String osVersion, String architecture, CpuInfo cpu,
                              MemoryInfo memory, DiskInfo disk, List<GpuInfo> gpus, Instant detectedAt) {

    /** Copies the GPU list and checks no part is missing. */
    public HardwareProfile {
        Objects.requireNonNull(osName, "osName");
        Objects.requireNonNull(osVersion, "osVersion");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(disk, "disk");
        gpus = List.copyOf(gpus);
        Objects.requireNonNull(detectedAt, "detectedAt");
    }
}
