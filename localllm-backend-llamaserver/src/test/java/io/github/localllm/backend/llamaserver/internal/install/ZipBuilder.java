package io.github.localllm.backend.llamaserver.internal.install;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes zip archives for tests (stored, not compressed), with control over what
 * {@link java.util.zip.ZipOutputStream} does not offer: the host system and Unix mode of each entry,
 * so that symbolic links and executables made on Unix can be written, and names no honest archive
 * holds.
 */
public final class ZipBuilder {
    private static final int UNIX = 3;
    private static final int DOS = 0;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<byte[]> central = new ArrayList<>();

    /** @return this, with a file as a Windows tool writes it (no Unix mode) */
    public ZipBuilder file(String name, byte[] content) {
        return entry(name, content, DOS, 0);
    }

    /** @return this, with a file made on Unix with {@code mode} (e.g. {@code 0755}) */
    public ZipBuilder unixFile(String name, byte[] content, int mode) {
        return entry(name, content, UNIX, 0100000 | mode);
    }

    /** @return this, with a directory */
    public ZipBuilder directory(String name) {
        return entry(name.endsWith("/") ? name : name + "/", new byte[0], DOS, 0);
    }

    /** @return this, with a symbolic link made on Unix: its target is the entry's content */
    public ZipBuilder symlink(String name, String target) {
        return entry(name, target.getBytes(StandardCharsets.UTF_8), UNIX, 0120777);
    }

    /** @return this, with an entry of a raw Unix mode, e.g. {@code 0010644} for a FIFO */
    public ZipBuilder unixEntry(String name, byte[] content, int mode) {
        return entry(name, content, UNIX, mode);
    }

    /** @return the archive */
    public byte[] build() {
        int directoryOffset = out.size();
        for (byte[] record : central) {
            out.writeBytes(record);
        }
        int directorySize = out.size() - directoryOffset;
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) central.size())
                .putShort((short) central.size()).putInt(directorySize).putInt(directoryOffset).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private ZipBuilder entry(String name, byte[] content, int host, int mode) {
        byte[] rawName = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(content);
        int offset = out.size();
        ByteBuffer local = le(30);
        local.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x5821).putInt((int) crc.getValue()).putInt(content.length)
                .putInt(content.length).putShort((short) rawName.length).putShort((short) 0);
        out.writeBytes(local.array());
        out.writeBytes(rawName);
        out.writeBytes(content);
        long external = ((long) mode << 16) | (name.endsWith("/") ? 0x10 : 0);
        ByteBuffer record = le(46 + rawName.length);
        record.putInt(0x02014b50).putShort((short) (host << 8 | 20)).putShort((short) 10).putShort((short) 0x0800)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0x5821).putInt((int) crc.getValue())
                .putInt(content.length).putInt(content.length).putShort((short) rawName.length).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) external).putInt(offset)
                .put(rawName);
        central.add(record.array());
        return this;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
