package io.github.localllm.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes can still be written in a directory. The default asks the file store; tests and
 * callers with quotas of their own can give another answer.
 */
@FunctionalInterface
public interface DiskSpace {

    /**
     * @param directory an existing directory
     * @return the bytes this user can still write there
     * @throws IOException if it cannot be told
     */
    long usableBytes(Path directory) throws IOException;

    /** @return the file store's own answer ({@link java.nio.file.FileStore#getUsableSpace()}) */
    static DiskSpace fileStore() {
        return directory -> Files.getFileStore(directory).getUsableSpace();
    }
}
