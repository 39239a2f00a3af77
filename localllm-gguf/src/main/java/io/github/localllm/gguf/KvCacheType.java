package io.github.localllm.gguf;

/**
 * Element types llama.cpp accepts for the K and V caches ({@code --cache-type-k/-v}), with the
 * storage they take. Sizes are ggml's block sizes (types.json): f16 2 bytes per element, q8_0 34
 * bytes per 32, q4_0 18 bytes per 32. Quantized V caches need flash attention in llama.cpp.
 */
public enum KvCacheType {
    /** 16-bit floats: llama.cpp's default, lossless for practical purposes. */
    F16(GgmlType.F16, "f16"),
    /** 8-bit blocks: half the memory of f16 with a quality loss hard to measure. */
    Q8_0(GgmlType.Q8_0, "q8_0"),
    /** 4-bit blocks: a quarter of the memory of f16 with a noticeable quality loss on long contexts. */
    Q4_0(GgmlType.Q4_0, "q4_0");

    private final GgmlType type;
    private final String cliName;

    KvCacheType(GgmlType type, String cliName) {
        this.type = type;
        this.cliName = cliName;
    }

    /** @return the ggml element type */
    public GgmlType ggmlType() {
        return type;
    }

    /** @return the name llama.cpp's {@code --cache-type-k} option takes */
    public String cliName() {
        return cliName;
    }

    /**
     * @param elements number of cache elements
     * @return the bytes they take, rounding a partial block up as ggml allocates whole blocks
     */
    public long bytes(long elements) {
        long blocks = (elements + type.blockSize() - 1) / type.blockSize();
        return Math.multiplyExact(blocks, (long) type.typeSize());
    }
}
