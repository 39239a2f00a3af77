package io.github.localllm.store.internal;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a download's target, held in a lock file beside it, so that two downloads of
 * the same file (in this JVM or another process) never write one partial file together.
 */
public final class TargetLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private TargetLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param lockFile the lock file
     * @param what the download, for the message
     * @return the lock
     * @throws ModelDownloadException if another download of the same file holds it
     * @throws StorageException if the lock file cannot be made
     */
    public static TargetLock acquire(Path lockFile, String what) {
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot create " + lockFile + " (" + e.getMessage() + "); check that the "
                    + "directory exists and is writable by this user", e);
        }
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            close(channel);
            throw new ModelDownloadException(what + " is already being downloaded to the same place (the lock "
                    + lockFile + " is held), by this program or another; wait for that download to end");
        }
        return new TargetLock(lockFile, channel, lock);
    }

    /** Releases the lock and, when {@code delete}, removes the lock file. Never throws. */
    public void release(boolean delete) {
        try {
            if (delete) {
                Files.deleteIfExists(file);
            }
            lock.release();
        } catch (IOException e) {
            // The lock ends with the channel anyway.
        }
        close(channel);
    }

    @Override
    public void close() {
        release(false);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a lock file's channel cannot lose data.
        }
    }
}
