package io.github.localllm.gguf;

import java.util.Optional;

/**
 * Tensor element types ({@code enum ggml_type}), with ggml's block size and block byte size.
 * Ids removed from ggml (4, 5, 31, 32, 33, 36, 37, 38) have no constant: a file using them is invalid.
 */
public enum GgmlType {
    /** ggml type id 0: blocks of 1 elements, 4 bytes each. */
    F32(0, 1, 4, false),
    /** ggml type id 1: blocks of 1 elements, 2 bytes each. */
    F16(1, 1, 2, false),
    /** ggml type id 2: blocks of 32 elements, 18 bytes each. */
    Q4_0(2, 32, 18, true),
    /** ggml type id 3: blocks of 32 elements, 20 bytes each. */
    Q4_1(3, 32, 20, true),
    /** ggml type id 6: blocks of 32 elements, 22 bytes each. */
    Q5_0(6, 32, 22, true),
    /** ggml type id 7: blocks of 32 elements, 24 bytes each. */
    Q5_1(7, 32, 24, true),
    /** ggml type id 8: blocks of 32 elements, 34 bytes each. */
    Q8_0(8, 32, 34, true),
    /** ggml type id 9: blocks of 32 elements, 36 bytes each. */
    Q8_1(9, 32, 36, true),
    /** ggml type id 10: blocks of 256 elements, 84 bytes each. */
    Q2_K(10, 256, 84, true),
    /** ggml type id 11: blocks of 256 elements, 110 bytes each. */
    Q3_K(11, 256, 110, true),
    /** ggml type id 12: blocks of 256 elements, 144 bytes each. */
    Q4_K(12, 256, 144, true),
    /** ggml type id 13: blocks of 256 elements, 176 bytes each. */
    Q5_K(13, 256, 176, true),
    /** ggml type id 14: blocks of 256 elements, 210 bytes each. */
    Q6_K(14, 256, 210, true),
    /** ggml type id 15: blocks of 256 elements, 292 bytes each. */
    Q8_K(15, 256, 292, true),
    /** ggml type id 16: blocks of 256 elements, 66 bytes each. */
    IQ2_XXS(16, 256, 66, true),
    /** ggml type id 17: blocks of 256 elements, 74 bytes each. */
    IQ2_XS(17, 256, 74, true),
    /** ggml type id 18: blocks of 256 elements, 98 bytes each. */
    IQ3_XXS(18, 256, 98, true),
    /** ggml type id 19: blocks of 256 elements, 50 bytes each. */
    IQ1_S(19, 256, 50, true),
    /** ggml type id 20: blocks of 32 elements, 18 bytes each. */
    IQ4_NL(20, 32, 18, true),
    /** ggml type id 21: blocks of 256 elements, 110 bytes each. */
    IQ3_S(21, 256, 110, true),
    /** ggml type id 22: blocks of 256 elements, 82 bytes each. */
    IQ2_S(22, 256, 82, true),
    /** ggml type id 23: blocks of 256 elements, 136 bytes each. */
    IQ4_XS(23, 256, 136, true),
    /** ggml type id 24: blocks of 1 elements, 1 bytes each. */
    I8(24, 1, 1, false),
    /** ggml type id 25: blocks of 1 elements, 2 bytes each. */
    I16(25, 1, 2, false),
    /** ggml type id 26: blocks of 1 elements, 4 bytes each. */
    I32(26, 1, 4, false),
    /** ggml type id 27: blocks of 1 elements, 8 bytes each. */
    I64(27, 1, 8, false),
    /** ggml type id 28: blocks of 1 elements, 8 bytes each. */
    F64(28, 1, 8, false),
    /** ggml type id 29: blocks of 256 elements, 56 bytes each. */
    IQ1_M(29, 256, 56, true),
    /** ggml type id 30: blocks of 1 elements, 2 bytes each. */
    BF16(30, 1, 2, false),
    /** ggml type id 34: blocks of 256 elements, 54 bytes each. */
    TQ1_0(34, 256, 54, true),
    /** ggml type id 35: blocks of 256 elements, 66 bytes each. */
    TQ2_0(35, 256, 66, true),
    /** ggml type id 39: blocks of 32 elements, 17 bytes each. */
    MXFP4(39, 32, 17, true),
    /** ggml type id 40: blocks of 64 elements, 36 bytes each. */
    NVFP4(40, 64, 36, true),
    /** ggml type id 41: blocks of 128 elements, 18 bytes each. */
    Q1_0(41, 128, 18, true),
    /** ggml type id 42: blocks of 64 elements, 18 bytes each. */
    Q2_0(42, 64, 18, true);

    private static final GgmlType[] BY_ID;

    static {
        int max = 0;
        for (GgmlType t : values()) {
            max = Math.max(max, t.id);
        }
        BY_ID = new GgmlType[max + 1];
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean quantized;

    GgmlType(int id, int blockSize, int typeSize, boolean quantized) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.quantized = quantized;
    }

    /** @return the id stored in tensor infos */
    public int id() {
        return id;
    }

    /** @return elements per block; a tensor's row length (ne[0]) must be a multiple of it */
    public int blockSize() {
        return blockSize;
    }

    /** @return bytes per block */
    public int typeSize() {
        return typeSize;
    }

    /** @return true for block-quantized types */
    public boolean isQuantized() {
        return quantized;
    }

    /** @return bits per weight, e.g. 8.5 for Q8_0 */
    public double bitsPerWeight() {
        return typeSize * 8.0 / blockSize;
    }

    /**
     * @param elementCount a multiple of {@link #blockSize()}
     * @return the bytes that many elements occupy
     * @throws ArithmeticException on overflow
     */
    public long byteSize(long elementCount) {
        if (elementCount % blockSize != 0) {
            throw new IllegalArgumentException(elementCount + " elements is not a multiple of the " + name()
                    + " block size " + blockSize);
        }
        return Math.multiplyExact(elementCount / blockSize, (long) typeSize);
    }

    /**
     * @param id a ggml type id (treated as unsigned)
     * @return the type, or empty for unknown or removed ids
     */
    public static Optional<GgmlType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[(int) id]) : Optional.empty();
    }
}
