package io.github.localllm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element types of the attention (K and V) cache, with the storage they take. Sizes are ggml's block
 * sizes (its {@code types.json}): f16 2 bytes per element, q8_0 34 bytes per 32, q4_0 18 bytes per 32.
 * llama.cpp's engines take them as {@code --cache-type-k/-v}; Ollama as {@code OLLAMA_KV_CACHE_TYPE}.
 * Quantized V caches need flash attention in llama.cpp.
 */
public enum KvCacheType {
    /** 16-bit floats: llama.cpp's default, lossless for practical purposes. */
    F16("f16", 1, 2),
    /** 8-bit blocks: half the memory of f16 with a quality loss hard to measure. */
    Q8_0("q8_0", 32, 34),
    /** 4-bit blocks: a quarter of the memory of f16 with a noticeable quality loss on long contexts. */
    Q4_0("q4_0", 32, 18);

    private final String wireName;
    private final int blockSize;
    private final int blockBytes;

    KvCacheType(String wireName, int blockSize, int blockBytes) {
        this.wireName = wireName;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** @return the name engines take, as in llama.cpp's {@code --cache-type-k q8_0} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param elements number of cache elements
     * @return the bytes they take, rounding a partial block up as ggml allocates whole blocks
     */
    public long bytes(long elements) {
        long blocks = (elements + blockSize - 1) / blockSize;
        return Math.multiplyExact(blocks, (long) blockBytes);
    }

    /**
     * @param name {@code f16}, {@code q8_0} or {@code q4_0}, in any case
     * @return the type
     * @throws InvalidRequestException for any other name
     */
    public static KvCacheType parse(String name) {
        for (KvCacheType type : values()) {
            if (name != null && type.wireName.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new InvalidRequestException("KV cache type '" + name + "' is not one of "
                + Arrays.stream(values()).map(KvCacheType::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
