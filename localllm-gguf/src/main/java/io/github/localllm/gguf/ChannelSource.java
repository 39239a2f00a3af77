package io.github.localllm.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Optional;

/** A {@link GgufSource} over a channel; positional reads when it is a {@link FileChannel}. */
final class ChannelSource implements GgufSource {
    private final SeekableByteChannel channel;
    private final Path path;
    private final long size;

    ChannelSource(SeekableByteChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
        try {
            this.size = channel.size();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot get the size of " + (path == null ? "the channel" : path), e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        try {
            if (channel instanceof FileChannel fc) {
                return fc.read(dst, position);
            }
            synchronized (channel) {
                channel.position(position);
                return channel.read(dst);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read failed at byte " + position + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written; a failed close of a read-only channel loses nothing.
        }
    }
}
