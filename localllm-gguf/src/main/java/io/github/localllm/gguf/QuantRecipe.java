package io.github.localllm.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The types {@code llama-quantize} gives a llama-like model's matrices for a file type, as its
 * {@code llama_tensor_get_type} does for the common ones, so that a model known only by its shape and
 * quantization name (a catalog entry) can be planned like a downloaded file: which matrices a CPU build
 * repacks, and how their arithmetic is split between types. The rules kept are the ones that move
 * whole matrices between types: the output matrix at Q6_K (Q8_0 when its row width is not a multiple of
 * 256), K-quant files giving {@code attn_v} and {@code ffn_down} more bits in some layers, and
 * the fallback of K-quants to 32-wide types for matrices whose row width is not a multiple of 256. Checked
 * against {@code llama-quantize} b10470 on synthetic llama models: the bytes per type of Q4_K_M, Q4_K_S,
 * Q5_K_M and Q3_K_M files agree exactly.
 */
final class QuantRecipe {
    private static final int QK_K = 256;

    private final FileType fileType;
    private final GgmlType base;

    private QuantRecipe(FileType fileType, GgmlType base) {
        this.fileType = fileType;
        this.base = base;
    }

    /**
     * @param quantization a quantization name such as {@code Q4_K_M}, as catalogs and file names spell it
     * @return its recipe, or empty when the name is not a llama.cpp file type this knows
     */
    static Optional<QuantRecipe> of(String quantization) {
        if (quantization == null) {
            return Optional.empty();
        }
        String name = quantization.strip().toUpperCase(Locale.ROOT);
        for (FileType t : FileType.values()) {
            if (t.shortName().equals(name)) {
                return baseType(t).map(b -> new QuantRecipe(t, b));
            }
        }
        return Optional.empty();
    }

    private static Optional<GgmlType> baseType(FileType t) {
        return Optional.ofNullable(switch (t) {
            case ALL_F32 -> GgmlType.F32;
            case MOSTLY_F16 -> GgmlType.F16;
            case MOSTLY_BF16 -> GgmlType.BF16;
            case MOSTLY_Q4_0 -> GgmlType.Q4_0;
            case MOSTLY_Q4_1 -> GgmlType.Q4_1;
            case MOSTLY_Q5_0 -> GgmlType.Q5_0;
            case MOSTLY_Q5_1 -> GgmlType.Q5_1;
            case MOSTLY_Q8_0 -> GgmlType.Q8_0;
            case MOSTLY_Q2_K, MOSTLY_Q2_K_S -> GgmlType.Q2_K;
            case MOSTLY_Q3_K_S, MOSTLY_Q3_K_M, MOSTLY_Q3_K_L -> GgmlType.Q3_K;
            case MOSTLY_Q4_K_S, MOSTLY_Q4_K_M -> GgmlType.Q4_K;
            case MOSTLY_Q5_K_S, MOSTLY_Q5_K_M -> GgmlType.Q5_K;
            case MOSTLY_Q6_K -> GgmlType.Q6_K;
            case MOSTLY_IQ4_NL -> GgmlType.IQ4_NL;
            case MOSTLY_IQ4_XS -> GgmlType.IQ4_XS;
            case MOSTLY_MXFP4_MOE -> GgmlType.MXFP4;
            default -> null;
        });
    }

    /** @return the file type this recipe is for */
    FileType fileType() {
        return fileType;
    }

    /**
     * The matrices of a model of this shape, typed as this recipe types them.
     *
     * @param shape the model's hyperparameters
     * @return every repeating layer's seven matrices and the output matrix (unless tied)
     */
    List<WeightMatrix> matrices(ModelShape shape) {
        long e = shape.embeddingLength();
        long query = shape.headCount() * shape.keyLength();
        long key = shape.headCountKv() * shape.keyLength();
        long value = shape.headCountKv() * shape.valueLength();
        long ff = shape.feedForwardLength();
        int n = shape.blockCount();
        List<WeightMatrix> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            add(out, i, layerType("attn_q", i, n), e, query);
            add(out, i, layerType("attn_k", i, n), e, key);
            add(out, i, layerType("attn_v", i, n), e, value);
            add(out, i, layerType("attn_output", i, n), query, e);
            add(out, i, layerType("ffn_gate", i, n), e, ff);
            add(out, i, layerType("ffn_up", i, n), e, ff);
            add(out, i, layerType("ffn_down", i, n), ff, e);
        }
        if (!shape.tiedEmbeddings()) {
            add(out, -1, outputType(e), e, shape.vocabularySize());
        }
        return out;
    }

    /**
     * The token embedding's type. Without an output matrix of its own the embedding is the only one, and
     * {@code llama-quantize} types it as it would type the output matrix (Q6_K in a Q4_K_M file); otherwise
     * it gets the file's base type.
     *
     * @param shape the model's hyperparameters
     * @return the type, after the fallback for rows that the type's blocks do not divide
     */
    GgmlType tokenEmbeddingType(ModelShape shape) {
        long e = shape.embeddingLength();
        GgmlType type = shape.tiedEmbeddings() ? outputType(e) : base;
        return e % type.blockSize() == 0 ? type : fallback(type);
    }

    /**
     * The bytes of every tensor a file of this type stores for the shape: the matrices of
     * {@link #matrices}, the token embedding ({@link #tokenEmbeddingType}), and the norms (two per layer and
     * the output norm, kept in F32). Biases and per-architecture extras (Qwen2's attention biases, Gemma's
     * extra norms, rope factors) are vectors of a few KiB and not counted; neither is the header.
     *
     * @param shape the model's hyperparameters
     * @return the tensor bytes
     */
    long weightBytes(ModelShape shape) {
        long sum = 0;
        for (WeightMatrix w : matrices(shape)) {
            sum += w.bytes();
        }
        sum += tokenEmbeddingType(shape).byteSize(shape.embeddingParameterCount());
        return sum + GgmlType.F32.byteSize((2L * shape.blockCount() + 1) * shape.embeddingLength());
    }

    private static void add(List<WeightMatrix> out, int layer, GgmlType type, long columns, long rows) {
        // A type whose blocks do not divide a row falls back as llama-quantize does.
        GgmlType t = columns % type.blockSize() == 0 ? type : fallback(type);
        long elements = columns * rows;
        out.add(new WeightMatrix(layer, t, rows, elements, t.byteSize(elements), false));
    }

    private GgmlType outputType(long columns) {
        if (!base.isQuantized() || base == GgmlType.Q8_0) {
            return base;
        }
        return columns % QK_K == 0 ? GgmlType.Q6_K : GgmlType.Q8_0;
    }

    private GgmlType layerType(String tensor, int layer, int layers) {
        boolean moreBits = layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
        if (tensor.equals("attn_v") || tensor.equals("ffn_down")) {
            switch (fileType) {
                case MOSTLY_Q4_K_M, MOSTLY_Q5_K_M -> {
                    return moreBits ? GgmlType.Q6_K : base;
                }
                case MOSTLY_Q4_K_S -> {
                    boolean early = tensor.equals("attn_v") ? layer < 4 : layer < layers / 8;
                    return early ? GgmlType.Q5_K : base;
                }
                case MOSTLY_Q3_K_M -> {
                    return tensor.equals("attn_v") ? (layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K)
                            : (layer < layers / 16 ? GgmlType.Q5_K : GgmlType.Q4_K);
                }
                case MOSTLY_Q3_K_L -> {
                    return GgmlType.Q5_K;
                }
                case MOSTLY_Q2_K -> {
                    return GgmlType.Q3_K;
                }
                default -> {
                    return base;
                }
            }
        }
        if (tensor.equals("attn_output") && (fileType == FileType.MOSTLY_Q3_K_M || fileType == FileType.MOSTLY_Q3_K_L)) {
            return fileType == FileType.MOSTLY_Q3_K_M ? GgmlType.Q4_K : GgmlType.Q5_K;
        }
        return base;
    }

    private static GgmlType fallback(GgmlType type) {
        return switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            default -> GgmlType.F16;
        };
    }
}
