package io.github.localllm.backend.llamaserver.internal.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes gzip-compressed tar archives for tests, entry by entry, as GNU tar and bsdtar write them
 * (POSIX ustar headers; pax headers for names over 100 bytes), including what no honest archive
 * holds.
 */
public final class TarBuilder {
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    /** @return this, with a regular file */
    public TarBuilder file(String name, byte[] content, int mode) {
        entry(name, '0', mode, content, "");
        return this;
    }

    /** @return this, with a directory */
    public TarBuilder directory(String name) {
        entry(name.endsWith("/") ? name : name + "/", '5', 0755, new byte[0], "");
        return this;
    }

    /** @return this, with a symbolic link */
    public TarBuilder symlink(String name, String target) {
        entry(name, '2', 0777, new byte[0], target);
        return this;
    }

    /** @return this, with a hard link to an earlier entry */
    public TarBuilder hardLink(String name, String target) {
        entry(name, '1', 0644, new byte[0], target);
        return this;
    }

    /** @return this, with an entry of another type, such as {@code '3'} (a character device) or {@code '6'} (a FIFO) */
    public TarBuilder special(String name, char type) {
        entry(name, type, 0644, new byte[0], "");
        return this;
    }

    /** @return this, with a GNU long-name entry ({@code L}) for a file */
    public TarBuilder gnuLongNameFile(String name, byte[] content, int mode) {
        byte[] raw = (name + "\0").getBytes(StandardCharsets.UTF_8);
        header("././@LongLink", 'L', 0644, raw.length, "", false);
        data(raw);
        header(name.substring(0, Math.min(99, name.length())), '0', mode, content.length, "", false);
        data(content);
        return this;
    }

    /** @return the archive, gzip-compressed, with its two zero end blocks */
    public byte[] gzip() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(tar.toByteArray());
                gz.write(new byte[1024]);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the archive without its end blocks, uncompressed; a damaged archive can be made from it */
    public byte[] rawTar() {
        return tar.toByteArray();
    }

    private void entry(String name, char type, int mode, byte[] content, String link) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 100 || link.getBytes(StandardCharsets.UTF_8).length > 100) {
            StringBuilder records = new StringBuilder();
            records.append(paxRecord("path", name));
            if (!link.isEmpty()) {
                records.append(paxRecord("linkpath", link));
            }
            byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
            header("PaxHeaders/" + Math.abs(name.hashCode()), 'x', 0644, pax.length, "", true);
            data(pax);
            header("long-name-see-pax", type, mode, content.length, link.length() > 100 ? "" : link, true);
        } else {
            header(name, type, mode, content.length, link, true);
        }
        data(content);
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        int digits = Integer.toString(length).length();
        int total = length + digits;
        if (Integer.toString(total).length() > digits) {
            total++;
        }
        return total + body;
    }

    private void header(String name, char type, int mode, long size, String link, boolean posix) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        put(h, 157, 100, link);
        if (posix) {
            put(h, 257, 6, "ustar");
            put(h, 263, 2, "00");
        } else {
            put(h, 257, 8, "ustar  ");
        }
        put(h, 265, 32, "root");
        put(h, 297, 32, "root");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(h, 148, 6, checksum);
        h[154] = 0;
        h[155] = ' ';
        tar.writeBytes(h);
    }

    private void data(byte[] content) {
        tar.writeBytes(content);
        int pad = (512 - content.length % 512) % 512;
        tar.writeBytes(new byte[pad]);
    }

    private static void put(byte[] h, int offset, int length, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, h, offset, Math.min(length, bytes.length));
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        put(h, offset, length - 1, String.format("%0" + (length - 1) + "o", value));
    }
}
