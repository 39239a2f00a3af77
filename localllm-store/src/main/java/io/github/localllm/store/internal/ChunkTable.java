package io.github.localllm.store.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A file cut into equal chunks (the last one shorter), each with the count of its bytes written from
 * its start. A chunk's count only grows after its bytes were written, so a snapshot of the counts never
 * claims a byte the file does not hold.
 */
public final class ChunkTable {
    private final long size;
    private final long chunkSize;
    private final AtomicLongArray done;

    /**
     * @param size the file's size
     * @param chunkSize the chunks' size, at least 1
     */
    public ChunkTable(long size, long chunkSize) {
        if (chunkSize < 1 || size < 0) {
            throw new IllegalArgumentException("size " + size + ", chunk size " + chunkSize);
        }
        this.size = size;
        this.chunkSize = chunkSize;
        long count = size == 0 ? 0 : (size + chunkSize - 1) / chunkSize;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many chunks: " + count);
        }
        this.done = new AtomicLongArray((int) count);
    }

    /** @return the file's size */
    public long size() {
        return size;
    }

    /** @return the chunks' size */
    public long chunkSize() {
        return chunkSize;
    }

    /** @return the number of chunks */
    public int count() {
        return done.length();
    }

    /** @return the first byte of chunk {@code i} */
    public long start(int i) {
        return i * chunkSize;
    }

    /** @return the length of chunk {@code i} */
    public long length(int i) {
        return Math.min(chunkSize, size - start(i));
    }

    /** @return the bytes of chunk {@code i} written from its start */
    public long done(int i) {
        return done.get(i);
    }

    /** Sets a chunk's count, e.g. from a resume record. */
    public void setDone(int i, long bytes) {
        if (bytes < 0 || bytes > length(i)) {
            throw new IllegalArgumentException("chunk " + i + " has " + length(i) + " bytes, not " + bytes);
        }
        done.set(i, bytes);
    }

    /** Counts bytes written to chunk {@code i} after its done ones. */
    public void add(int i, long bytes) {
        done.addAndGet(i, bytes);
    }

    /** @return whether chunk {@code i} is complete */
    public boolean complete(int i) {
        return done.get(i) >= length(i);
    }

    /** @return the bytes written in all */
    public long written() {
        long sum = 0;
        for (int i = 0; i < done.length(); i++) {
            sum += done.get(i);
        }
        return sum;
    }

    /** @return the end of the bytes written without a gap from the start of the file */
    public long contiguous() {
        for (int i = 0; i < done.length(); i++) {
            long d = done.get(i);
            if (d < length(i)) {
                return start(i) + d;
            }
        }
        return size;
    }

    /** @return a copy of the counts, taken chunk by chunk */
    public long[] snapshot() {
        long[] copy = new long[done.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = done.get(i);
        }
        return copy;
    }
}
