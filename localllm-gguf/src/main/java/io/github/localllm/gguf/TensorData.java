package io.github.localllm.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Produces one tensor's encoded bytes when the writer reaches it, so a model is streamed to disk
 * tensor by tensor instead of being held in memory.
 */
@FunctionalInterface
public interface TensorData {

    /**
     * Writes the tensor's encoded bytes, in order, to {@code sink}. Each buffer is consumed before
     * {@code accept} returns, so it may be reused.
     *
     * @param sink receives the bytes
     */
    void writeTo(Consumer<ByteBuffer> sink);

    /** Fills a chunk with the next float values of a tensor. */
    @FunctionalInterface
    interface FloatGenerator {
        /**
         * @param chunk the array to fill
         * @param count how many leading entries to fill
         */
        void fill(float[] chunk, int count);
    }

    /** @param bytes already-encoded tensor bytes @return data writing them */
    static TensorData ofBytes(byte[] bytes) {
        return sink -> sink.accept(ByteBuffer.wrap(bytes));
    }

    /**
     * @param type F32, F16 or Q8_0
     * @param values the values, row-major
     * @return data encoding them in that type
     */
    static TensorData ofFloats(GgmlType type, float[] values) {
        return generated(type, values.length, new FloatGenerator() {
            private int next;

            @Override
            public void fill(float[] chunk, int count) {
                System.arraycopy(values, next, chunk, 0, count);
                next += count;
            }
        });
    }

    /**
     * Encodes generated values chunk by chunk, keeping memory constant whatever the tensor size.
     *
     * @param type F32, F16 or Q8_0
     * @param count number of values (a multiple of 32 for Q8_0)
     * @param generator supplies the values in order
     * @return data encoding them in that type
     */
    static TensorData generated(GgmlType type, long count, FloatGenerator generator) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.Q8_0) {
            throw new IllegalArgumentException("can encode only F32, F16 and Q8_0, not " + type
                    + "; pass pre-encoded bytes with ofBytes for other types");
        }
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(count + " values is not a multiple of the " + type + " block size "
                    + type.blockSize());
        }
        return sink -> {
            int chunkValues = 32 * 1024; // a multiple of every block size we encode
            float[] chunk = new float[chunkValues];
            ByteBuffer out = ByteBuffer.allocate(chunkValues * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(chunkValues, count - done);
                generator.fill(chunk, n);
                out.clear();
                switch (type) {
                    case F32 -> {
                        for (int i = 0; i < n; i++) {
                            out.putFloat(chunk[i]);
                        }
                    }
                    case F16 -> {
                        for (int i = 0; i < n; i++) {
                            out.putShort(Quantization.floatToHalf(chunk[i]));
                        }
                    }
                    default -> Quantization.quantizeQ8_0(chunk, 0, n, out);
                }
                out.flip();
                sink.accept(out);
                done += n;
            }
        };
    }
}
