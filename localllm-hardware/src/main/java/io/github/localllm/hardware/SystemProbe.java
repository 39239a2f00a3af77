package io.github.localllm.hardware;

import java.util.List;

/**
 * The few operating-system queries detection takes from OSHI. An interface so that tests can
 * replay a recorded machine instead of the one they run on; {@link #oshi()} is the real one.
 * Implementations may throw unchecked exceptions; the detector turns them into "unknown" readings.
 */
public interface SystemProbe {

    /** @return the operating system's version, e.g. {@code 14.4.1} or {@code 6.8.0-45-generic} */
    String osVersion();

    /** @return the CPU's model name */
    String cpuName();

    /** @return physical cores as the OS counts them; may be absurd (0) on broken VMs */
    int physicalCores();

    /** @return logical processors (hardware threads) */
    int logicalCores();

    /**
     * The processors this JVM may run on, which in a container with a CPU limit, or under an
     * affinity mask, is fewer than the machine's cores: threads beyond it only take turns.
     *
     * @return {@link Runtime#availableProcessors()} unless a recording says otherwise
     */
    default int availableProcessors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * @return the OS's CPU feature flags: on Windows {@code IsProcessorFeaturePresent} names such as
     *         {@code PF_AVX2_INSTRUCTIONS_AVAILABLE}; elsewhere the raw flag lines
     */
    List<String> cpuFeatureFlags();

    /** @return installed RAM usable by the OS, in bytes */
    long totalMemoryBytes();

    /** @return RAM that can be allocated now without swapping, in bytes */
    long availableMemoryBytes();

    /** @return the display adapters the OS lists; their VRAM is often wrong (see {@link GraphicsCard}) */
    List<GraphicsCard> graphicsCards();

    /**
     * One display adapter as OSHI reports it.
     *
     * @param name model name
     * @param vendor vendor name as the OS spells it
     * @param deviceId PCI device id, e.g. {@code 0x744c}, if known
     * @param vramBytes OSHI's VRAM figure: capped at 4 GiB on Windows, the PCI BAR window on some
     *        Linux systems, so never used as fact without a vendor source
     * @param versionInfo driver version text, if any
     */
    record GraphicsCard(String name, String vendor, String deviceId, long vramBytes, String versionInfo) {
    }

    /** @return the probe backed by OSHI */
    static SystemProbe oshi() {
        return new OshiSystemProbe();
    }
}
