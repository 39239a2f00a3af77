package io.github.localllm.hardware;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.LlamaCppBuild;
import java.util.Set;

/**
 * What one generating thread of llama.cpp's CPU code achieves, when nothing has been measured on the
 * machine: floating-point operations per second of its matrix-vector kernels for each weight type, and
 * the bytes per second it streams from memory.
 *
 * <p>The kernel rates come from one reference machine, a 2-core x86-64 Xeon VM with AVX2 (the engines'
 * builds use AVX2), measured on a 134M-parameter synthetic model that its 260 MiB cache holds, so that
 * arithmetic, not DRAM, decides the speed (2 threads, 64 greedy tokens): Q4_K_M at 173 and Q8_0 at 96
 * tokens/s in process (b4916), 234 and 111 with {@code llama-bench} b10470, whose Q4_K kernels work on
 * repacked weights. A Q4_K_M file is Q4_K except {@code attn_v}, {@code ffn_down} in half the layers and
 * the output matrix (Q6_K); with Q6_K taken at 0.8 of Q4_K that gives Q4_K 20 GFLOP/s per thread (35
 * repacked) and Q8_0 11.5. Other types are placed by their kernels' work per weight relative to those
 * (more bits to unpack, fewer weights per block) and were not measured. A CPU without AVX2 on x86 runs
 * llama.cpp's SSE or scalar kernels, counted at a third; ARM cores with NEON are counted like AVX2 ones.
 * A faster or slower machine is what {@link SpeedCalibrator} measures.
 *
 * <p>Memory: a core streams only as much as its outstanding cache-line requests allow (about ten 64-byte
 * lines in flight over 80-100 ns of DRAM latency), so a few threads cannot use a memory system's peak.
 * Generation on the reference machine streamed 5.5 GB/s per thread from DRAM on a 1B-parameter model
 * (620 MB read per token: 17.4 tokens/s on {@code llama-server}); desktop cores reach more. Decode reaches
 * about 80% of a memory system's peak with enough threads.
 */
final class CpuThroughput {
    /** Bytes per second one generating thread streams from DRAM. */
    static final double BANDWIDTH_PER_THREAD = 6e9;
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
            case F32 -> 5 * G;
            case F16, BF16 -> 9 * G;
            case Q8_0 -> repacked ? 20 * G : 11.5 * G;
            case Q4_0, Q4_1, IQ4_NL, MXFP4, Q4_K -> repacked ? 35 * G : 20 * G;
            case Q5_0, Q5_1 -> 13 * G;
            case Q5_K -> repacked ? 30 * G : 17 * G;
            case Q6_K -> repacked ? 28 * G : 16 * G;
            case Q2_K, Q3_K -> repacked ? 28 * G : 15 * G;
            case IQ4_XS, IQ3_S, IQ3_XXS, IQ2_S, IQ2_XS, IQ2_XXS, IQ1_S, IQ1_M -> 8 * G;
            default -> 6 * G;
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
