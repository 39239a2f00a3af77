package io.github.localllm.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Random-access bytes of a GGUF file with a known total size: a local file, a channel, an
 * in-memory array, or (later) HTTP range requests. The reader asks only for header bytes.
 */
public interface GgufSource extends AutoCloseable {

    /** @return the total size in bytes */
    long size();

    /**
     * Reads bytes starting at {@code position} into {@code dst}, as many as fit or remain.
     *
     * @param position the absolute byte offset, 0 ≤ position ≤ size
     * @param dst the buffer to fill from its position to its limit
     * @return the number of bytes read, or -1 if position is at or past the end
     * @throws UncheckedIOException if the underlying read fails
     */
    int read(long position, ByteBuffer dst);

    /** @return the local file these bytes come from, when there is one (used in error messages) */
    default Optional<Path> path() {
        return Optional.empty();
    }

    /** Releases the underlying resource; never throws a checked exception. */
    @Override
    void close();

    /**
     * @param file a local file
     * @return a source reading it through a {@link FileChannel}; close it when done
     * @throws UncheckedIOException if the file cannot be opened
     */
    static GgufSource open(Path file) {
        try {
            return new ChannelSource(FileChannel.open(file, StandardOpenOption.READ), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param channel an open channel; closing the source closes it
     * @return a source reading through it
     */
    static GgufSource of(SeekableByteChannel channel) {
        return new ChannelSource(channel, null);
    }

    /**
     * @param bytes a whole file held in memory (not copied)
     * @return a source over it
     */
    static GgufSource of(byte[] bytes) {
        return new ByteArraySource(bytes);
    }
}
