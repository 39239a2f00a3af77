package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a zip archive (how llama.cpp publishes its Windows builds) into a {@link SafeTree}: the
 * JDK's {@link ZipFile} for the bytes, {@link ZipDirectory} for what each entry is (a symbolic
 * link made on Unix is stored as a file holding its target).
 */
final class ZipReader {
    private ZipReader() {
    }

    /**
     * @param file the archive
     * @param archive its name, for messages
     * @param out where its entries go
     * @throws EngineInstallException if the archive is damaged or holds a refused entry
     * @throws IOException if writing fails
     */
    static void read(Path file, String archive, SafeTree out) throws IOException {
        List<ZipDirectory.Entry> directory;
        try {
            directory = ZipDirectory.read(file);
        } catch (ZipException e) {
            throw malformed(archive, e);
        }
        try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            int index = 0;
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (index >= directory.size() || !directory.get(index).name().equals(entry.getName())) {
                    throw malformed(archive, new ZipException("the entries do not match the central directory"));
                }
                ZipDirectory.Entry info = directory.get(index++);
                int mode = info.mode() < 0 ? -1 : info.mode() & 0777;
                switch (info.kind()) {
                    case DIRECTORY -> out.directory(entry.getName(), mode);
                    case FILE -> {
                        try (InputStream in = zip.getInputStream(entry)) {
                            out.file(entry.getName(), mode, in);
                        }
                    }
                    case SYMLINK -> {
                        byte[] target;
                        try (InputStream in = zip.getInputStream(entry)) {
                            target = in.readNBytes(SafeTree.MAX_LINK_TARGET + 1);
                        }
                        if (target.length > SafeTree.MAX_LINK_TARGET) {
                            throw malformed(archive, new ZipException("the symbolic link '" + entry.getName()
                                    + "' has a target longer than " + SafeTree.MAX_LINK_TARGET + " bytes"));
                        }
                        out.symlink(entry.getName(), new String(target, StandardCharsets.UTF_8));
                    }
                    case OTHER -> throw EntryPaths.unsafe(archive, entry.getName(), "is not a file, directory or link"
                            + " (Unix mode " + Integer.toOctalString(info.mode()) + ")");
                }
            }
            if (index != directory.size()) {
                throw malformed(archive, new ZipException("the entries do not match the central directory"));
            }
        } catch (ZipException e) {
            throw malformed(archive, e);
        }
        out.finish();
    }

    private static EngineInstallException malformed(String archive, ZipException e) {
        return new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " is not a readable zip archive ("
                + e.getMessage() + "); it is damaged or not an archive llama.cpp publishes: nothing was installed", e);
    }
}
