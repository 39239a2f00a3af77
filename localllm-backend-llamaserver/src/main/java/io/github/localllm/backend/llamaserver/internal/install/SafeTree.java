package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The directory an archive is unpacked into, which only the archive's readers write, entry by
 * entry, and which nothing leaves: every name is checked by {@link EntryPaths}; symbolic links are
 * made last, after every file, so that no entry is ever written through one, and each must then
 * resolve, link by link on the real file system, inside the directory; hard links become copies;
 * devices and FIFOs are refused. Limits keep a hostile archive from filling the disk: 8 GiB and
 * 50,000 entries. File modes come from the archive, reduced to read, write and execute bits.
 */
final class SafeTree {
    static final long MAX_BYTES = 8L << 30;
    static final int MAX_ENTRIES = 50_000;
    /** A link's target, as stored in a zip entry's body; real ones are a file name. */
    static final int MAX_LINK_TARGET = 4096;

    private final Path root;
    private final String archive;
    private final FileSink sink;
    private final boolean posix;
    private final List<Link> links = new ArrayList<>();
    private long bytes;
    private int entries;

    private record Link(Path at, String target, String name) {
    }

    /**
     * @param root an existing empty directory, absolute
     * @param archive the archive's name, for messages
     * @param sink where files' bytes go
     */
    SafeTree(Path root, String archive, FileSink sink) {
        this.root = root.toAbsolutePath().normalize();
        this.archive = archive;
        this.sink = sink;
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** @param mode the entry's Unix mode, or {@code -1} when the archive has none */
    void directory(String name, int mode) throws IOException {
        count(name);
        Path dir = EntryPaths.resolve(root, name, archive);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw malformed("holds '" + name + "' both as a file and as a directory");
        }
        createParents(dir, name);
        Files.createDirectories(dir);
        permissions(dir, mode < 0 ? 0755 : mode | 0700);
    }

    /**
     * @param mode the entry's Unix mode, or {@code -1} when the archive has none
     * @param content the file's bytes; read to its end, not closed
     */
    void file(String name, int mode, InputStream content) throws IOException {
        count(name);
        Path file = EntryPaths.resolve(root, name, archive);
        if (file.equals(root)) {
            throw malformed("holds a file without a name");
        }
        createParents(file, name);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw malformed("holds '" + name + "' both as a directory and as a file");
        }
        // A later entry of the same name replaces the earlier one, as tar does.
        Files.deleteIfExists(file);
        try (OutputStream out = sink.create(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = content.read(buffer)) > 0; ) {
                bytes += n;
                if (bytes > MAX_BYTES) {
                    throw malformed("unpacks to more than " + (MAX_BYTES >> 30) + " GiB, far beyond any llama.cpp build");
                }
                out.write(buffer, 0, n);
            }
        }
        permissions(file, mode < 0 ? 0644 : mode | 0600);
    }

    /** Records a symbolic link, made by {@link #finish()} once every file is written. */
    void symlink(String name, String target) {
        count(name);
        Path at = EntryPaths.resolve(root, name, archive);
        if (at.equals(root)) {
            throw malformed("holds a symbolic link without a name");
        }
        EntryPaths.linkTarget(root, at, target, archive);
        links.add(new Link(at, target.replace('\\', '/'), name));
    }

    /** A hard link to an earlier regular file of the archive becomes a copy of it. */
    void hardLink(String name, String target) throws IOException {
        count(name);
        Path at = EntryPaths.resolve(root, name, archive);
        Path source = EntryPaths.resolve(root, target, archive);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw malformed("holds '" + name + "' as a hard link to '" + target + "', which is not a file before it");
        }
        if (at.equals(source)) {
            throw malformed("holds '" + name + "' as a hard link to itself");
        }
        // file() counts the entry again.
        entries--;
        try (InputStream in = Files.newInputStream(source)) {
            file(name, -1, in);
        }
        if (posix) {
            Files.setPosixFilePermissions(at, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
        }
    }

    /**
     * Makes the symbolic links, then checks that each resolves inside the directory.
     *
     * @throws EngineInstallException if a link would leave it, or points at nothing
     */
    void finish() throws IOException {
        for (Link link : links) {
            if (Files.exists(link.at(), LinkOption.NOFOLLOW_LINKS)) {
                throw malformed("holds '" + link.name() + "' twice, once as a symbolic link");
            }
            createParents(link.at(), link.name());
            try {
                Files.createSymbolicLink(link.at(), link.at().getFileSystem().getPath(link.target()));
            } catch (UnsupportedOperationException e) {
                throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " holds symbolic links, which "
                        + "this file system cannot hold; it is not a llama.cpp build for this platform: nothing was "
                        + "installed", e);
            }
        }
        checkLinks(root, archive);
    }

    /**
     * Checks that every symbolic link below {@code root} resolves, on the real file system, to
     * something inside it: a chain of links that each look harmless can still climb out.
     *
     * @throws EngineInstallException ({@link Reason#UNSAFE_ARCHIVE}) if one leaves, or
     *     ({@link Reason#MALFORMED_ARCHIVE}) if one points at nothing
     */
    static void checkLinks(Path root, String archive) throws IOException {
        Path realRoot = root.toRealPath();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isSymbolicLink()) {
                    String name = root.relativize(file).toString();
                    Path real;
                    try {
                        real = file.toRealPath();
                    } catch (NoSuchFileException e) {
                        throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " holds the symbolic link '"
                                + name + "', which points at nothing in the archive; the archive is damaged: nothing "
                                + "was installed", e);
                    } catch (FileSystemException e) {
                        // A loop of links ("too many levels of symbolic links").
                        throw EntryPaths.unsafe(archive, name, "is a symbolic link that never resolves ("
                                + e.getReason() + ")");
                    }
                    if (!real.startsWith(realRoot)) {
                        throw EntryPaths.unsafe(archive, name, "is a symbolic link that resolves outside the engine's "
                                + "directory through other links");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Creates the entry's parent directories, which never exist as files. */
    private void createParents(Path path, String name) throws IOException {
        Path parent = path.getParent();
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw malformed("holds '" + name + "' below something that is a file");
        }
    }

    private void permissions(Path path, int mode) throws IOException {
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(path, set);
    }

    private void count(String name) {
        if (++entries > MAX_ENTRIES) {
            throw malformed("has more than " + MAX_ENTRIES + " entries, far beyond any llama.cpp build (at '" + name + "')");
        }
    }

    private EngineInstallException malformed(String what) {
        return new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " " + what + "; it is not an archive "
                + "llama.cpp publishes: it was refused and nothing was installed");
    }
}
