package io.github.localllm.hardware;

/** Who made a GPU. */
public enum GpuVendor {
    /** NVIDIA. */
    NVIDIA,
    /** AMD (Radeon, Instinct). */
    AMD,
    /** Apple Silicon. */
    APPLE,
    /** Intel (Arc, integrated). */
    INTEL,
    /** Any other. */
    OTHER
}
