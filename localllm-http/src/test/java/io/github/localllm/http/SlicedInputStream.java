package io.github.localllm.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes delivered in slices of chosen sizes, the way TCP reads deliver them: a reader must not care
 * where a read ends. Fails a test that reads on after the end was reported, or reads a closed stream.
 */
final class SlicedInputStream extends InputStream {
    private final byte[] bytes;
    private final int[] cuts;
    private int position;
    private int cut;
    private boolean endReported;
    private boolean closed;

    /** @param cuts the offsets at which one read ends and the next begins, ascending */
    private SlicedInputStream(byte[] bytes, int... cuts) {
        this.bytes = bytes;
        this.cuts = cuts;
    }

    /** @return a stream that gives one byte per read */
    static SlicedInputStream oneByteAtATime(byte[] bytes) {
        int[] cuts = new int[bytes.length];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return new SlicedInputStream(bytes, cuts);
    }

    /** @return a stream whose first read ends at {@code at} */
    static SlicedInputStream splitAt(byte[] bytes, int at) {
        return new SlicedInputStream(bytes, at);
    }

    /** @return a stream that gives everything at once */
    static SlicedInputStream whole(byte[] bytes) {
        return new SlicedInputStream(bytes);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("read after close");
        }
        if (position == bytes.length) {
            if (endReported) {
                throw new AssertionError("read again after the end of the input was reported");
            }
            endReported = true;
            return -1;
        }
        while (cut < cuts.length && cuts[cut] <= position) {
            cut++;
        }
        int end = cut < cuts.length ? cuts[cut] : bytes.length;
        int n = Math.min(len, end - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    int position() {
        return position;
    }
}
