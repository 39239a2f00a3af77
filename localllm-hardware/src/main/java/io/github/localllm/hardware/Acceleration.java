package io.github.localllm.hardware;

/** The llama.cpp GPU backend a device can use. */
public enum Acceleration {
    /** NVIDIA CUDA. */
    CUDA,
    /** AMD ROCm / HIP. */
    ROCM,
    /** Apple Metal. */
    METAL,
    /** Vulkan, on most discrete and integrated GPUs. */
    VULKAN,
    /** Intel oneAPI SYCL. */
    SYCL,
    /** None: the device cannot accelerate llama.cpp. */
    NONE
}
