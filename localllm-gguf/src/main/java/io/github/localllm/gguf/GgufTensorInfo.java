package io.github.localllm.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One tensor's description from the header. The data itself is not read.
 *
 * @param name the tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dimensions ne[0..n): ne[0] is the innermost (row) length
 * @param type the element type
 * @param relativeOffset offset from the start of the tensor data section
 * @param absoluteOffset offset from the start of the file
 * @param byteSize bytes of data
 */
public record GgufTensorInfo(String name, List<Long> dimensions, GgmlType type, long relativeOffset,
                             long absoluteOffset, long byteSize) {

    /** Copies the dimensions and rejects nulls. */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dimensions = List.copyOf(dimensions);
    }

    /** @return the number of elements: the product of the dimensions */
    public long elementCount() {
        long n = 1;
        for (long d : dimensions) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** @return the dimensions as an array */
    public long[] dimensionArray() {
        return dimensions.stream().mapToLong(Long::longValue).toArray();
    }
}
