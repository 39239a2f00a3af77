package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where an archive entry lands below the directory it is unpacked into, refusing every name that
 * would land elsewhere ("zip slip"): absolute paths, drive letters, {@code ..} segments, NUL
 * characters. Backslashes count as separators, as Windows tools write them.
 */
final class EntryPaths {
    private EntryPaths() {
    }

    /**
     * @param root the directory the archive is unpacked into, absolute and normalised
     * @param name the entry's name in the archive
     * @param archive the archive's name, for messages
     * @return the entry's path below {@code root}, or {@code root} itself for {@code ./}
     * @throws EngineInstallException ({@link Reason#UNSAFE_ARCHIVE}) if it would land outside {@code root}
     */
    static Path resolve(Path root, String name, String archive) {
        String n = name.replace('\\', '/');
        if (n.indexOf('\0') >= 0) {
            throw unsafe(archive, name, "has a NUL character in its name");
        }
        if (isAbsolute(n)) {
            throw unsafe(archive, name, "is an absolute path");
        }
        Path path = root;
        for (String segment : n.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw unsafe(archive, name, "climbs out with '..'");
            }
            try {
                path = path.resolve(segment);
            } catch (InvalidPathException e) {
                throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " holds the entry '" + printable(name)
                        + "', whose name this file system cannot hold (" + e.getReason() + "); it is not a llama.cpp "
                        + "build for this platform: nothing was installed", e);
            }
        }
        if (!path.normalize().startsWith(root)) {
            throw unsafe(archive, name, "lands outside the engine's directory");
        }
        return path;
    }

    /**
     * @param root the directory the archive is unpacked into
     * @param link where the symbolic link is made, below {@code root}
     * @param target the link's target as the archive gives it
     * @param archive the archive's name, for messages
     * @return the target resolved from the link's directory, which stays below {@code root}
     * @throws EngineInstallException ({@link Reason#UNSAFE_ARCHIVE}) if it points elsewhere
     */
    static Path linkTarget(Path root, Path link, String target, String archive) {
        String t = target.replace('\\', '/');
        String name = root.relativize(link).toString();
        if (t.isEmpty() || t.indexOf('\0') >= 0) {
            throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " holds the symbolic link '" + name
                    + "' with an empty or broken target; the archive is damaged: nothing was installed");
        }
        if (isAbsolute(t)) {
            throw unsafe(archive, name, "is a symbolic link to the absolute path '" + printable(target) + "'");
        }
        Path resolved;
        try {
            resolved = link.getParent().resolve(t).normalize();
        } catch (InvalidPathException e) {
            throw unsafe(archive, name, "is a symbolic link to an impossible path");
        }
        if (!resolved.startsWith(root)) {
            throw unsafe(archive, name, "is a symbolic link to '" + printable(target) + "', outside the engine's directory");
        }
        return resolved;
    }

    static EngineInstallException unsafe(String archive, String name, String what) {
        return new EngineInstallException(Reason.UNSAFE_ARCHIVE, archive + " holds the entry '" + printable(name)
                + "', which " + what + "; an official llama.cpp archive never does, so this one is not what the release "
                + "published or was tampered with: it was refused and nothing was installed");
    }

    private static boolean isAbsolute(String name) {
        return name.startsWith("/") || name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0));
    }

    /** Control characters would garble a message or a log line. */
    private static String printable(String name) {
        StringBuilder s = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> s.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
        return name.length() > 200 ? s + "..." : s.toString();
    }
}
