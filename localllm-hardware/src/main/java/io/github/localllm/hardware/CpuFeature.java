package io.github.localllm.hardware;

/** Instruction-set extensions that decide which llama.cpp CPU kernels can run. */
public enum CpuFeature {
    /** x86 AVX. */
    AVX,
    /** x86 AVX2; the prebuilt x86 binaries of the in-process engine need it. */
    AVX2,
    /** x86 AVX-512 Foundation. */
    AVX512F,
    /** x86 fused multiply-add. */
    FMA,
    /** x86 half-precision conversion. */
    F16C,
    /** ARM Advanced SIMD. */
    NEON,
    /** ARM Scalable Vector Extension. */
    SVE
}
