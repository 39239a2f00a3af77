package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import java.io.IOException;
import java.nio.file.Path;

/** Unpacks a release archive, zip or {@code .tar.gz}, into a directory through a {@link SafeTree}. */
final class ArchiveUnpacker {
    private final FileSink sink;

    ArchiveUnpacker(FileSink sink) {
        this.sink = sink;
    }

    /**
     * @param archive the archive file
     * @param name its name in the release, which says its format
     * @param into an existing empty directory
     * @throws EngineInstallException if the archive is damaged or holds a refused entry
     * @throws IOException if writing fails (a full disk)
     */
    void unpack(Path archive, String name, Path into) throws IOException {
        SafeTree tree = new SafeTree(into, name, sink);
        if (name.endsWith(".zip")) {
            ZipReader.read(archive, name, tree);
        } else {
            TarGzReader.read(archive, name, tree);
        }
    }
}
