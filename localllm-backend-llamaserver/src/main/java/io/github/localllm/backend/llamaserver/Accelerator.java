package io.github.localllm.backend.llamaserver;

import java.util.Locale;

/**
 * The compute backend a {@code llama-server} build uses. Every GPU build also runs on the CPU.
 * {@link HardwareChoice#accelerator} picks one from a hardware profile: CUDA for NVIDIA, Metal on
 * Apple Silicon, Vulkan for AMD and Intel GPUs, the CPU otherwise.
 */
public enum Accelerator {
    /** The CPU only. */
    CPU,
    /** NVIDIA CUDA. */
    CUDA,
    /** Vulkan: AMD, Intel and NVIDIA GPUs with a Vulkan driver. */
    VULKAN,
    /** Apple Metal. */
    METAL;

    /** @return the name in variant names, e.g. {@code vulkan} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
