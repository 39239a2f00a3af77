package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a gzip-compressed tar archive (how llama.cpp publishes its Linux and macOS builds: GNU tar
 * on Linux, bsdtar on macOS) into a {@link SafeTree}: POSIX ustar headers with their name prefix,
 * pax extended headers ({@code path}, {@code linkpath}, {@code size}; the others, such as macOS's
 * extended attributes, are ignored), GNU long names and long link names. Regular files,
 * directories, symbolic and hard links are unpacked; every other entry type is refused.
 * Checksums of headers are verified.
 */
final class TarGzReader {
    private static final int BLOCK = 512;
    /** Extended headers hold a path or two: more is not a real archive. */
    private static final int MAX_HEADER_DATA = 1 << 20;

    private final InputStream in;
    private final String archive;
    private final SafeTree out;
    private final byte[] header = new byte[BLOCK];

    private TarGzReader(InputStream in, String archive, SafeTree out) {
        this.in = in;
        this.archive = archive;
        this.out = out;
    }

    /**
     * @param file the archive
     * @param archive its name, for messages
     * @param out where its entries go
     * @throws EngineInstallException if the archive is damaged or holds a refused entry
     * @throws IOException if writing fails
     */
    static void read(Path file, String archive, SafeTree out) throws IOException {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 64 * 1024),
                64 * 1024)) {
            new TarGzReader(in, archive, out).entries();
        } catch (ZipException | EOFException e) {
            throw malformed(archive, "is not a complete gzip-compressed tar archive (" + e.getMessage() + ")", e);
        }
        out.finish();
    }

    private void entries() throws IOException {
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            int read = in.readNBytes(header, 0, BLOCK);
            if (read == 0) {
                return;
            }
            if (read < BLOCK) {
                throw malformed(archive, "ends in the middle of a header", null);
            }
            if (isZeros(header)) {
                return;
            }
            checkChecksum();
            char type = (char) header[156];
            long size = pax.containsKey("size") ? parseDecimal(pax.get("size")) : number(124, 12);
            switch (type) {
                case 'x' -> {
                    pax = pax(data(size));
                    continue;
                }
                case 'g' -> {
                    skip(size);
                    continue;
                }
                case 'L' -> {
                    longName = cString(data(size));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(data(size));
                    continue;
                }
                default -> {
                }
            }
            String name = pax.getOrDefault("path", longName != null ? longName : name());
            String link = pax.getOrDefault("linkpath", longLink != null ? longLink : field(157, 100));
            int mode = (int) (number(100, 8) & 0777);
            switch (type) {
                case '0', '\0', '7' -> {
                    Bounded content = new Bounded(in, size);
                    out.file(name, mode, content);
                    skip(content.remaining);
                    skip(padding(size));
                }
                case '5' -> {
                    out.directory(name, mode);
                    skip(size + padding(size));
                }
                case '2' -> {
                    out.symlink(name, link);
                    skip(size + padding(size));
                }
                case '1' -> {
                    out.hardLink(name, link);
                    skip(size + padding(size));
                }
                default -> throw EntryPaths.unsafe(archive, name, "is not a file, directory or link (tar type '"
                        + (Character.isISOControl(type) ? "?" : Character.toString(type)) + "')");
            }
            pax = new HashMap<>();
            longName = null;
            longLink = null;
        }
    }

    /** The name, with the POSIX ustar prefix; GNU's old format keeps other fields where the prefix would be. */
    private String name() {
        String name = field(0, 100);
        boolean posixUstar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        String prefix = posixUstar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private void checkChecksum() {
        long stored = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw malformed(archive, "has a damaged tar header (checksum " + stored + ", computed " + sum + ")", null);
        }
    }

    /** A numeric field: octal digits, or base-256 when its first byte has the high bit set. */
    private long number(int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            if ((header[offset] & 0x40) != 0) {
                throw malformed(archive, "has a negative number in a tar header", null);
            }
            long value = header[offset] & 0x3f;
            for (int i = offset + 1; i < offset + length; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw malformed(archive, "has a number too large in a tar header", null);
                }
                value = value << 8 | (header[i] & 0xff);
            }
            return value;
        }
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ' && digits) {
                break;
            }
            if (b == ' ') {
                continue;
            }
            if (b < '0' || b > '7' || value > (Long.MAX_VALUE >> 3)) {
                throw malformed(archive, "has a damaged number in a tar header", null);
            }
            value = value << 3 | (b - '0');
            digits = true;
        }
        return value;
    }

    private String field(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private byte[] data(long size) throws IOException {
        if (size > MAX_HEADER_DATA) {
            throw malformed(archive, "has an extended header of " + size + " bytes", null);
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw malformed(archive, "ends in the middle of an extended header", null);
        }
        skip(padding(size));
        return data;
    }

    /** Pax records: {@code "<length> <key>=<value>\n"}, the length counting the whole record. */
    private Map<String, String> pax(byte[] data) {
        Map<String, String> values = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw malformed(archive, "has a damaged pax header", e);
            }
            if (length <= space - pos + 1 || pos + length > data.length) {
                throw malformed(archive, "has a damaged pax header", null);
            }
            String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                values.put(record.substring(0, eq), record.substring(eq + 1));
            }
            pos += length;
        }
        return values;
    }

    private long parseDecimal(String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0) {
                throw new NumberFormatException(text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw malformed(archive, "has a damaged size in a pax header", e);
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw malformed(archive, "ends in the middle of an entry", null);
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean isZeros(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static EngineInstallException malformed(String archive, String what, Throwable cause) {
        return new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " " + what + "; it is damaged or not an "
                + "archive llama.cpp publishes: nothing was installed", cause);
    }

    /** An entry's bytes: at most its size, failing if the archive ends before. */
    private final class Bounded extends FilterInputStream {
        long remaining;

        Bounded(InputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw malformed(archive, "ends in the middle of an entry", null);
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() {
            // The archive's stream stays open for the next entry.
        }
    }
}
