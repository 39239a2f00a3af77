package io.github.localllm.backend.llamaserver.internal.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes installations of one variant take turns, across threads and processes: a lock per lock file
 * inside this JVM (a file lock belongs to the whole JVM, and taking it twice here throws), then the
 * file lock, which another process holds while it installs. The second installer waits, then finds
 * the variant installed and uses it.
 */
final class InstallLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private InstallLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting as long as another installation holds it.
     *
     * @param file the lock file, created if missing
     * @param onWait called once, before waiting, if the lock is taken
     * @return the lock, to close when done
     * @throws IOException if the lock file cannot be opened or locked
     * @throws InterruptedException if interrupted while waiting
     */
    static InstallLock acquire(Path file, Runnable onWait) throws IOException, InterruptedException {
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
        boolean waited = false;
        if (!local.tryLock()) {
            onWait.run();
            waited = true;
            local.lockInterruptibly();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                if (!waited) {
                    onWait.run();
                }
                lock = channel.lock();
            }
            return new InstallLock(local, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
