package io.github.localllm.gguf;

import java.nio.ByteBuffer;

/** A {@link GgufSource} over bytes in memory. */
final class ByteArraySource implements GgufSource {
    private final byte[] bytes;

    ByteArraySource(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
