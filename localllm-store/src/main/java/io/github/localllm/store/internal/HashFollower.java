package io.github.localllm.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Hashes a partial file in order while chunks are still being written to it: it reads back the bytes
 * written without a gap from the start (they are in the page cache, so this costs a memory copy, not
 * a disk read) and stops at the first gap until it closes. Parallel chunks thus cost no second pass
 * over the file at the end; a resumed download hashes what it kept as it goes, too.
 */
public final class HashFollower {
    private static final long IDLE_PARK_NANOS = 2_000_000;

    private final Path file;
    private final ChunkTable table;
    private final MessageDigest digest = Sha256.digest();
    private long hashed;

    /**
     * @param file the partial file
     * @param table its chunks
     */
    public HashFollower(Path file, ChunkTable table) {
        this.file = file;
        this.table = table;
    }

    /** @return the bytes hashed so far */
    public synchronized long hashed() {
        return hashed;
    }

    /**
     * Hashes as bytes arrive until the whole file is hashed or {@code stop} says so.
     *
     * @param stop asked between reads
     * @return whether the whole file was hashed
     * @throws IOException if the file cannot be read
     */
    public boolean run(BooleanSupplier stop) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Sha256.BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                long end = table.contiguous();
                long from;
                synchronized (this) {
                    from = hashed;
                }
                if (from >= table.size()) {
                    return true;
                }
                if (end > from) {
                    long to = Math.min(end, from + (8L << 20));
                    Sha256.update(digest, channel, from, to, buffer);
                    synchronized (this) {
                        hashed = to;
                    }
                } else if (stop.getAsBoolean()) {
                    return false;
                } else {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
        }
    }

    /** @return the SHA-256 in hex; only after {@link #run} returned true */
    public String hex() {
        return Sha256.hex(digest);
    }
}
