package io.github.localllm.gguf;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A llama.cpp build, by its release number ({@code b4916} is number 4916), and what the memory a
 * load takes depends on in it. Two builds are measured: b4916, the one the in-process engine
 * ({@code de.kherud:llama} 4.2.0) bundles, and b10470, the {@code llama-server} the SDK is tested
 * with. Builds from {@value #CURRENT_FROM} on (the oldest {@code llama-server} the managed engine
 * runs) are planned as b10470 behaves; older ones as b4916 does. The differences:
 * <ul>
 * <li><b>Compute graph</b>: b4916 reserves its compute buffer for a ubatch whose every token is
 *     output (logits for all of them); b10470 reserves logits for one token per sequence unless the
 *     context computes embeddings. b10470 runs SwiGLU as one fused operation beside its two inputs,
 *     and its flash-attention mask is f16 (b4916 keeps an f32 mask and casts a copy).</li>
 * <li><b>KV cache</b>: b4916 pads the cells to 32 (256 with flash attention); b10470 always to 256.</li>
 * <li><b>Flash attention</b>: b10470's default {@code auto} turns it on wherever the backend has it
 *     (every CPU); b4916 uses it only when asked.</li>
 * <li><b>Weight repacking</b>: on a CPU with the right kernels llama.cpp copies some weights into an
 *     interleaved layout ({@code CPU_REPACK}, {@code CPU_AARCH64} in b4916) in a buffer of their own,
 *     beside the mapped file: see {@link #repacks}.</li>
 * </ul>
 *
 * @param number the build number, as {@code llama-server --version} prints it
 */
public record LlamaCppBuild(int number) implements Comparable<LlamaCppBuild> {
    /** The build the in-process engine bundles (March 2025). */
    public static final LlamaCppBuild B4916 = new LlamaCppBuild(4916);
    /** The {@code llama-server} build the SDK is tested with. */
    public static final LlamaCppBuild B10470 = new LlamaCppBuild(10470);
    /** The first build planned with b10470's measured behaviour. */
    public static final int CURRENT_FROM = 6500;

    /** Rejects impossible numbers. */
    public LlamaCppBuild {
        if (number < 1) {
            throw new IllegalArgumentException("a llama.cpp build number is positive, got " + number);
        }
    }

    /**
     * @param number a build number
     * @return that build
     */
    public static LlamaCppBuild of(int number) {
        return new LlamaCppBuild(number);
    }

    /** @return whether this build is planned as b10470 behaves (see the class comment) */
    public boolean current() {
        return number >= CURRENT_FROM;
    }

    /**
     * @param flashAttention whether flash attention is on
     * @return the multiple the KV cache's cells are padded to
     */
    public int kvCachePadding(boolean flashAttention) {
        return current() || flashAttention ? 256 : 32;
    }

    /** @return whether flash attention is on unless turned off ({@code --flash-attn auto} resolves to on) */
    public boolean flashAttentionByDefault() {
        return current();
    }

    /**
     * @param embeddings whether the context computes embeddings
     * @return whether the worst-case graph outputs every token of a ubatch
     */
    public boolean reservesEveryOutput(boolean embeddings) {
        return !current() || embeddings;
    }

    /**
     * Whether this build copies a weight matrix into its CPU repack buffer, as
     * {@code ggml_repack_get_optimal_repack_type} decides: by the matrix's type, its row count and the
     * CPU's instruction sets. Only matrices used in matrix products on the CPU are candidates (not the
     * token embedding, which is a row lookup, nor layers offloaded to a GPU).
     *
     * <p>On x86 with AVX2, b10470 repacks Q4_0, Q4_K, IQ4_NL and MXFP4 (rows a multiple of 8), and Q2_K
     * where AVX-512 is available to its kernels (llama.cpp's release archives load the AVX-512 variant on
     * such CPUs; a build compiled for AVX2 only, like the one in {@code shared/engines}, does not); b4916
     * repacks Q4_0 only. On ARM with dot-product instructions b10470 repacks Q4_0, Q4_K, Q5_K, Q6_K,
     * IQ4_NL, MXFP4 and Q8_0; b4916 Q4_0 and IQ4_NL (from llama.cpp's source). On x86 with AVX2 both
     * builds were measured with files quantized to each type: the repack buffer they logged was exactly
     * the bytes of the matrices these rules pick.
     *
     * @param type the matrix's type
     * @param rows its rows ({@code ne[1]})
     * @param cpuFeatures the CPU's instruction sets, lower case: {@code avx2}, {@code avx512f}, {@code neon},
     *        {@code dotprod}, {@code i8mm}
     * @return whether the matrix is repacked
     */
    public boolean repacks(GgmlType type, long rows, Set<String> cpuFeatures) {
        Objects.requireNonNull(type, "type");
        boolean avx2 = cpuFeatures.contains("avx2");
        boolean avx512 = cpuFeatures.contains("avx512f");
        boolean neon = cpuFeatures.contains("neon");
        boolean dotprod = neon && (cpuFeatures.contains("dotprod") || cpuFeatures.contains("i8mm"));
        boolean i8mm = neon && cpuFeatures.contains("i8mm");
        boolean by8 = rows % 8 == 0;
        boolean by4 = rows % 4 == 0;
        if (!current()) {
            return switch (type) {
                case Q4_0 -> avx2 && by8 || (i8mm || dotprod) && by4;
                case IQ4_NL -> dotprod && by4;
                default -> false;
            };
        }
        return switch (type) {
            case Q4_0 -> avx2 && by8 || dotprod && by4;
            case Q4_K -> (avx2 || dotprod) && by8;
            case IQ4_NL -> avx2 && by8 || neon && by4;
            case MXFP4 -> avx2 && by8 || dotprod && by4;
            case Q2_K -> avx512 && by8;
            case Q5_K, Q6_K -> dotprod && by8;
            case Q8_0 -> dotprod && by4;
            default -> false;
        };
    }

    @Override
    public int compareTo(LlamaCppBuild other) {
        return Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "b%d", number);
    }
}
