package io.github.localllm.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bit-exact ggml encodings: IEEE half precision (round to nearest, ties to even, like the F16C
 * instruction ggml uses) and Q8_0 blocks as written by ggml's {@code quantize_row_q8_0_ref}.
 */
public final class Quantization {
    /** Elements per Q8_0 block. */
    public static final int Q8_0_BLOCK = 32;
    /** Bytes per Q8_0 block: an fp16 scale and 32 signed bytes. */
    public static final int Q8_0_BLOCK_BYTES = 34;

    private Quantization() {
    }

    /**
     * @param f a float
     * @return its IEEE binary16 bits, rounded to nearest with ties to even; NaN stays NaN
     */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000) {
            // Infinity stays infinity; NaN keeps its top payload bits and is forced quiet.
            return (short) (abs == 0x7F80_0000 ? sign | 0x7C00 : sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x477F_F000) {
            return (short) (sign | 0x7C00); // ≥ 65520 rounds past the largest half, 65504
        }
        if (abs < 0x3880_0000) {
            // Below the smallest normal half (2^-14): a subnormal, counted in units of 2^-24.
            if (abs <= 0x3300_0000) {
                return (short) sign; // ≤ 2^-25 rounds to zero (2^-25 itself ties to the even zero)
            }
            int exp = abs >>> 23;
            int mant = (abs & 0x7F_FFFF) | 0x80_0000;
            int shift = 126 - exp;
            int q = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) != 0)) {
                q++;
            }
            return (short) (sign | q);
        }
        int q = (((abs >>> 23) - 112) << 10) | ((abs >>> 13) & 0x3FF);
        int rem = abs & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (q & 1) != 0)) {
            q++; // a carry into the exponent is the correct result
        }
        return (short) (sign | q);
    }

    /**
     * @param h IEEE binary16 bits
     * @return the exact float value
     */
    public static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * Quantizes floats to Q8_0 exactly as ggml's reference: per block of 32, d = max|x| / 127
     * stored as fp16, then each x / d rounded half away from zero to int8.
     *
     * @param src the values
     * @param offset first value
     * @param count a multiple of 32
     * @param dst receives count / 32 * 34 bytes
     */
    public static void quantizeQ8_0(float[] src, int offset, int count, ByteBuffer dst) {
        if (count % Q8_0_BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 needs a multiple of 32 values, got " + count);
        }
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        for (int b = offset; b < offset + count; b += Q8_0_BLOCK) {
            float amax = 0f;
            for (int j = 0; j < Q8_0_BLOCK; j++) {
                amax = Math.max(amax, Math.abs(src[b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            dst.putShort(floatToHalf(d));
            for (int j = 0; j < Q8_0_BLOCK; j++) {
                float x = src[b + j] * id;
                // C roundf: half away from zero; done in double so x + 0.5 cannot round up early.
                dst.put((byte) (int) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x));
            }
        }
        dst.order(order);
    }

    /**
     * @param src Q8_0 blocks, read from its position
     * @param dst receives 32 values per block
     * @param offset first index in dst
     * @param count a multiple of 32
     */
    public static void dequantizeQ8_0(ByteBuffer src, float[] dst, int offset, int count) {
        ByteOrder order = src.order();
        src.order(ByteOrder.LITTLE_ENDIAN);
        for (int b = offset; b < offset + count; b += Q8_0_BLOCK) {
            float d = halfToFloat(src.getShort());
            for (int j = 0; j < Q8_0_BLOCK; j++) {
                dst[b + j] = src.get() * d;
            }
        }
        src.order(order);
    }
}
