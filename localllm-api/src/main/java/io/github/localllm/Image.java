package io.github.localllm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * An image in a user message, for models that see. Immutable: the bytes are copied in and out.
 * The media type is taken from the bytes' signature (PNG, JPEG, GIF, WebP), so a misnamed file
 * is still sent as what it is.
 */
public final class Image {
    /** Larger images are refused: servers cap request bodies well below this. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;

    private final byte[] data;
    private final String mediaType;

    private Image(byte[] data, String mediaType) {
        this.data = data;
        this.mediaType = mediaType;
    }

    /**
     * @param data the encoded image
     * @return the image
     * @throws InvalidRequestException if the bytes are not PNG, JPEG, GIF or WebP, or too large
     */
    public static Image of(byte[] data) {
        if (data == null || data.length == 0) {
            throw new InvalidRequestException("the image is empty; pass the bytes of a PNG, JPEG, GIF or WebP file");
        }
        if (data.length > MAX_BYTES) {
            throw new InvalidRequestException("the image has " + data.length + " bytes, more than " + MAX_BYTES
                    + "; scale it down before sending it to a model");
        }
        String type = sniff(data);
        if (type == null) {
            throw new InvalidRequestException("the image is not PNG, JPEG, GIF or WebP (its first bytes are "
                    + hex(data) + "); convert it to one of those");
        }
        return new Image(data.clone(), type);
    }

    /**
     * @param file an image file
     * @return the image
     * @throws InvalidRequestException if it cannot be read or is not an image
     */
    public static Image read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidRequestException("the image " + file + " is larger than " + MAX_BYTES
                        + " bytes; scale it down before sending it to a model");
            }
            return of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read the image " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param base64 the image encoded in base64, as chat APIs carry it
     * @return the image
     * @throws InvalidRequestException if it is not base64 of an image
     */
    public static Image ofBase64(String base64) {
        try {
            // Line breaks are common in pasted base64; anything else that is not base64 is an error.
            return of(Base64.getDecoder().decode(base64 == null ? "" : base64.replaceAll("\\s", "")));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the image text is not base64: " + e.getMessage(), e);
        }
    }

    /** @return a copy of the encoded bytes */
    public byte[] bytes() {
        return data.clone();
    }

    /** @return the size in bytes */
    public int size() {
        return data.length;
    }

    /** @return {@code image/png}, {@code image/jpeg}, {@code image/gif} or {@code image/webp} */
    public String mediaType() {
        return mediaType;
    }

    /** @return the bytes in standard base64, as Ollama's {@code images} field takes them */
    public String base64() {
        return Base64.getEncoder().encodeToString(data);
    }

    /** @return a {@code data:} URL, as OpenAI's {@code image_url} takes it */
    public String dataUrl() {
        return "data:" + mediaType + ";base64," + base64();
    }

    private static String sniff(byte[] d) {
        if (starts(d, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (starts(d, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(d, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (d.length >= 12 && starts(d, 'R', 'I', 'F', 'F') && d[8] == 'W' && d[9] == 'E' && d[10] == 'B'
                && d[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean starts(byte[] d, int... prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((d[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] d) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, d.length); i++) {
            s.append(String.format(Locale.ROOT, "%02x", d[i] & 0xFF));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image[" + mediaType + ", " + data.length + " bytes]";
    }
}
