package io.github.localllm.hardware;

/** Where a plan runs the model's layers. */
public enum InferenceMode {
    /** Every layer and the output layer on GPUs. */
    FULL_GPU,
    /** Some layers on GPUs, the rest on the CPU. */
    HYBRID,
    /** Everything on the CPU. */
    CPU
}
