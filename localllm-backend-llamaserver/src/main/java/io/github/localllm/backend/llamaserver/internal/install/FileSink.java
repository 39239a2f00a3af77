package io.github.localllm.backend.llamaserver.internal.install;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an unpacked file's bytes go: a new file on disk. A seam for the tests, which stand in a
 * disk that fills up in the middle of a file where no small file system can be mounted.
 */
@FunctionalInterface
interface FileSink {
    /** Writes new files with {@link Files#newOutputStream}, failing if one exists. */
    FileSink DISK = file -> Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    /**
     * @param file a file that does not exist yet, in an existing directory
     * @return a stream that writes it
     * @throws IOException if it cannot be created
     */
    OutputStream create(Path file) throws IOException;
}
