package io.github.localllm.store;

import io.github.localllm.StorageException;
import io.github.localllm.store.internal.ResumeRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Partial downloads that cannot or should not be resumed, found and deleted for {@link ModelLibrary#cleanPartials}. */
final class Partials {
    private static final Logger LOG = LoggerFactory.getLogger(Partials.class);

    private Partials() {
    }

    /** Deletes the partial downloads under {@code dirs} that have no usable record or were untouched since {@code cutoff}. */
    static List<Path> clean(List<Path> dirs, Instant cutoff) {
        List<Path> deleted = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> partials;
            try (Stream<Path> files = Files.walk(dir, 4)) {
                partials = files.filter(p -> p.getFileName().toString().endsWith(Downloader.PARTIAL_SUFFIX)).toList();
            } catch (IOException e) {
                throw new StorageException("cannot look for partial downloads in " + dir + " (" + e.getMessage() + ")", e);
            }
            for (Path partial : partials) {
                String name = partial.getFileName().toString();
                Path target = partial.resolveSibling(name.substring(0, name.length() - Downloader.PARTIAL_SUFFIX.length()));
                if (stale(partial, target, cutoff) && !running(target)) {
                    DownloadTask.deletePartial(target);
                    try {
                        Files.deleteIfExists(target.resolveSibling(target.getFileName() + Downloader.LOCK_SUFFIX));
                    } catch (IOException e) {
                        LOG.debug("cannot delete the lock beside {}: {}", partial, e.getMessage());
                    }
                    deleted.add(partial);
                }
            }
        }
        return deleted;
    }

    private static boolean stale(Path partial, Path target, Instant cutoff) {
        if (ResumeRecord.read(Downloader.recordFile(target)).isEmpty()) {
            return true;
        }
        try {
            return Files.getLastModifiedTime(partial).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean running(Path target) {
        Path lock = target.resolveSibling(target.getFileName() + Downloader.LOCK_SUFFIX);
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = channel.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
