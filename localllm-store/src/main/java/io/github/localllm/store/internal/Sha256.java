package io.github.localllm.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 helpers. */
public final class Sha256 {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** Bytes read at a time when a file is hashed. */
    static final int BUFFER = 1 << 20;

    private Sha256() {
    }

    /** @return a new SHA-256 digest */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** @return whether {@code s} is 64 hex digits */
    public static boolean isHex(String s) {
        return s != null && HEX.matcher(s).matches();
    }

    /** @return the digest's value in lower-case hex */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Hashes a whole file.
     *
     * @param file the file
     * @return its SHA-256 in lower-case hex
     * @throws IOException if it cannot be read
     */
    public static String of(Path file) throws IOException {
        MessageDigest digest = digest();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            update(digest, channel, 0, channel.size(), ByteBuffer.allocate(BUFFER));
        }
        return hex(digest);
    }

    /** Feeds {@code [from, to)} of a channel into the digest. */
    static void update(MessageDigest digest, FileChannel channel, long from, long to, ByteBuffer buffer)
            throws IOException {
        long position = from;
        while (position < to) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), to - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file ended at byte " + position + ", before byte " + to);
            }
            buffer.flip();
            digest.update(buffer);
            position += n;
        }
    }

    /** @return the first 16 hex digits of the SHA-256 of a text: a stable, safe file name for it */
    public static String nameOf(String text) {
        MessageDigest d = digest();
        d.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Sha256.hex(d).substring(0, 16);
    }
}
