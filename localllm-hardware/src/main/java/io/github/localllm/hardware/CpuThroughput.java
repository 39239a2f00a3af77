package io.github.localllm.hardware;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.LlamaCppBuild;
import java.util.Set;

/**
 * What one generating thread of llama.cpp's CPU code achieves, when nothing has been measured on the
 * machine: floating-point operations per second of its matrix-vector kernels for each weight type, and
 * the bytes per second it streams from memory.
 *
 * <p>The kernel rates were measured on an x86-64 core with AVX2 (a 2-core Xeon VM, 2026-11-30), one
 * thread, on a 134M-parameter synthetic model of each type small enough to stay in the processor's cache,
 * so that arithmetic, not memory, decided the speed ({@code llama-bench -t 1 -p 0 -n 64} for b10470, the
 * in-process engine for b4916; see {@code speed/README.md} in the tests). A CPU without AVX2 on x86 runs
 * llama.cpp's scalar or SSE kernels, counted at a third; ARM cores with NEON are counted like AVX2 ones
 * (not measured: {@link SpeedCalibrator} measures them).
 *
 * <p>Memory: a core streams only as much as its outstanding cache-line requests allow (about ten
 * 64-byte lines in flight over ~100 ns of DRAM latency: 6-10 GB/s), so a few threads cannot use a
 * memory system's peak; generation on this Xeon reached 5.5 GB/s per thread on a 1B-parameter model
 * (650 MB, far larger than the cache). Decode reaches about 80% of a memory system's peak with enough
 * threads.
 */
final class CpuThroughput {
    /** Bytes per second one generating thread streams from DRAM. */
    static final double BANDWIDTH_PER_THREAD = 8e9;
    /** The share of a memory system's peak bandwidth that decoding reaches. */
    static final double BANDWIDTH_EFFICIENCY = 0.8;
    private static final double G = 1e9;

    private CpuThroughput() {
    }

    /**
     * @param type a weight type
     * @param repacked whether the build repacks this type on this CPU (interleaved kernels)
     * @param features the CPU's instruction sets
     * @param x86 whether the CPU is x86
     * @return floating-point operations per second one thread's kernels do on weights of this type
     */
    static double flopsPerThread(GgmlType type, boolean repacked, Set<CpuFeature> features, boolean x86) {
        double rate = switch (type) {
            case F32 -> 6 * G;
            case F16, BF16 -> 11 * G;
            case Q8_0 -> repacked ? 26 * G : 13 * G;
            case Q4_0, Q4_1, IQ4_NL, MXFP4 -> repacked ? 30 * G : 15 * G;
            case Q5_0, Q5_1 -> 12 * G;
            case Q4_K -> repacked ? 30 * G : 19 * G;
            case Q5_K -> repacked ? 26 * G : 16 * G;
            case Q6_K -> repacked ? 26 * G : 15 * G;
            case Q2_K, Q3_K -> repacked ? 26 * G : 14 * G;
            default -> 7 * G;
        };
        boolean simd = x86 ? features.contains(CpuFeature.AVX2) : features.contains(CpuFeature.NEON);
        return simd || features.isEmpty() ? rate : rate / 3;
    }

    /**
     * @param type a weight type
     * @param build the engine's build
     * @param features the CPU's instruction sets
     * @return whether the build repacks matrices of this type on this CPU (rows of a typical matrix)
     */
    static boolean repacked(GgmlType type, LlamaCppBuild build, Set<String> features) {
        return build.repacks(type, 4096, features);
    }

    /**
     * @param threads generating threads
     * @param peak the memory system's peak bandwidth
     * @return the bandwidth generation streams weights at
     */
    static double hostBandwidth(int threads, BandwidthAssumption peak) {
        return Math.min(peak.bytesPerSecond() * BANDWIDTH_EFFICIENCY, threads * BANDWIDTH_PER_THREAD);
    }
}
