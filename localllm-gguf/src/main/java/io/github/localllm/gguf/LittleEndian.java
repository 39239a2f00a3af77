package io.github.localllm.gguf;

/** Little-endian access to byte arrays; GGUF is little-endian throughout. */
final class LittleEndian {
    private LittleEndian() {
    }

    static long getBits(byte[] a, int off, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (a[off + i] & 0xFF);
        }
        return v;
    }

    static void putBits(byte[] a, int off, int width, long v) {
        for (int i = 0; i < width; i++) {
            a[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static int getInt(byte[] a, int off) {
        return (int) getBits(a, off, 4);
    }

    static long getLong(byte[] a, int off) {
        return getBits(a, off, 8);
    }

    static void putInt(byte[] a, int off, int v) {
        putBits(a, off, 4, v);
    }

    static void putLong(byte[] a, int off, long v) {
        putBits(a, off, 8, v);
    }
}
