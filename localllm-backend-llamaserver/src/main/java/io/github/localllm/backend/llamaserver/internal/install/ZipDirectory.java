package io.github.localllm.backend.llamaserver.internal.install;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * The central directory of a zip file, read for what {@link java.util.zip.ZipFile} does not tell:
 * each entry's Unix mode (file, directory, symbolic link or other; permission bits), kept in the
 * high half of its external attributes when the entry was made on Unix (APPNOTE.TXT 4.4.2 and
 * 4.4.15). Zip64 archives are read too. Entries come in the order of the directory, which is the
 * order {@code ZipFile.entries()} gives.
 */
final class ZipDirectory {
    private static final int END = 0x06054b50;
    private static final int END64_LOCATOR = 0x07064b50;
    private static final int END64 = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;
    /** Real central directories of llama.cpp's zips are well under a megabyte. */
    private static final long MAX_DIRECTORY = 64L << 20;
    private static final int UNIX = 3;

    private ZipDirectory() {
    }

    /** What an entry is, by its Unix mode, or by its name when it was not made on Unix. */
    enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    /**
     * One entry of the central directory.
     *
     * @param name its name, decoded as UTF-8 (as {@code ZipFile} decodes it by default)
     * @param madeBy the "version made by" field: the high byte is the host system, 3 for Unix
     * @param externalAttributes the external file attributes
     */
    record Entry(String name, int madeBy, long externalAttributes) {
        /** @return the Unix mode (type and permission bits), or {@code -1} when not made on Unix */
        int mode() {
            return madeBy >>> 8 == UNIX ? (int) (externalAttributes >>> 16) & 0xffff : -1;
        }

        Kind kind() {
            int mode = mode();
            if (mode > 0 && (mode & 0170000) != 0) {
                return switch (mode & 0170000) {
                    case 0100000 -> Kind.FILE;
                    case 0040000 -> Kind.DIRECTORY;
                    case 0120000 -> Kind.SYMLINK;
                    default -> Kind.OTHER;
                };
            }
            // MS-DOS attributes: 0x10 is a directory.
            return name.endsWith("/") || name.endsWith("\\") || (externalAttributes & 0x10) != 0 ? Kind.DIRECTORY
                    : Kind.FILE;
        }
    }

    /**
     * @param zip the file
     * @return its entries in directory order
     * @throws ZipException if it is not a zip file, is damaged, or names an entry twice
     * @throws IOException if it cannot be read
     */
    static List<Entry> read(Path zip) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < END_SIZE) {
                throw new ZipException("too short for a zip file (" + size + " bytes)");
            }
            int tailLength = (int) Math.min(size, END_SIZE + MAX_COMMENT);
            ByteBuffer tail = read(channel, size - tailLength, tailLength);
            int end = -1;
            for (int i = tailLength - END_SIZE; i >= 0; i--) {
                if (tail.getInt(i) == END) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new ZipException("no end of central directory record: not a zip file");
            }
            long count = tail.getShort(end + 10) & 0xffff;
            long directorySize = tail.getInt(end + 12) & 0xffffffffL;
            long directoryOffset = tail.getInt(end + 16) & 0xffffffffL;
            if (count == 0xffff || directorySize == 0xffffffffL || directoryOffset == 0xffffffffL) {
                long endPosition = size - tailLength + end;
                if (endPosition < 20) {
                    throw new ZipException("zip64 fields without a zip64 end record locator");
                }
                ByteBuffer locator = read(channel, endPosition - 20, 20);
                if (locator.getInt(0) != END64_LOCATOR) {
                    throw new ZipException("zip64 fields without a zip64 end record locator");
                }
                long end64 = locator.getLong(8);
                if (end64 < 0 || end64 > size - 56) {
                    throw new ZipException("zip64 end record outside the file");
                }
                ByteBuffer record = read(channel, end64, 56);
                if (record.getInt(0) != END64) {
                    throw new ZipException("damaged zip64 end record");
                }
                count = record.getLong(32);
                directorySize = record.getLong(40);
                directoryOffset = record.getLong(48);
            }
            if (directorySize < 0 || directorySize > MAX_DIRECTORY || directoryOffset < 0
                    || directoryOffset + directorySize > size || count < 0 || count > directorySize / 46) {
                throw new ZipException("central directory of " + directorySize + " bytes at " + directoryOffset
                        + " with " + count + " entries does not fit a file of " + size + " bytes");
            }
            return entries(read(channel, directoryOffset, (int) directorySize), (int) count);
        }
    }

    private static List<Entry> entries(ByteBuffer directory, int count) throws ZipException {
        List<Entry> entries = new ArrayList<>(count);
        Set<String> names = new HashSet<>();
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (pos + 46 > directory.limit() || directory.getInt(pos) != CENTRAL) {
                throw new ZipException("damaged central directory at entry " + (i + 1));
            }
            int madeBy = directory.getShort(pos + 4) & 0xffff;
            int nameLength = directory.getShort(pos + 28) & 0xffff;
            int extraLength = directory.getShort(pos + 30) & 0xffff;
            int commentLength = directory.getShort(pos + 32) & 0xffff;
            long external = directory.getInt(pos + 38) & 0xffffffffL;
            if (pos + 46 + nameLength > directory.limit()) {
                throw new ZipException("damaged central directory at entry " + (i + 1));
            }
            byte[] raw = new byte[nameLength];
            directory.get(pos + 46, raw);
            String name = new String(raw, StandardCharsets.UTF_8);
            if (!names.add(name)) {
                throw new ZipException("the entry '" + name + "' is listed twice");
            }
            entries.add(new Entry(name, madeBy, external));
            pos += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ZipException("ends early");
            }
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
