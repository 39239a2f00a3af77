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
    /** ARM dot-product instructions (ARMv8.2 {@code SDOT}/{@code UDOT}); llama.cpp repacks more types with them. */
    DOTPROD,
    /** ARM 8-bit integer matrix multiply (ARMv8.6 {@code SMMLA}). */
    I8MM,
    /** ARM Scalable Vector Extension. */
    SVE
}
