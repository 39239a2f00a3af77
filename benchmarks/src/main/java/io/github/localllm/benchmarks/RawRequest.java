package io.github.localllm.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request as {@link FakeStreamServer} reads it off a socket: request line, headers
 * (names lower-cased) and the whole body, sent with a length or chunked.
 *
 * @param method the method, such as {@code POST}
 * @param path the path with its query
 * @param headers the headers, names in lower case
 * @param body the body, empty if none
 */
record RawRequest(String method, String path, Map<String, String> headers, byte[] body) {
    private static final int MAX_LINE = 16 * 1024;

    /**
     * @return the next request, or {@code null} if the client closed the connection between requests
     * @throws IOException if the connection breaks inside a request or the request is malformed
     */
    static RawRequest read(InputStream in) throws IOException {
        String requestLine = line(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
            throw new IOException("not an HTTP request line: " + requestLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("request body ended after " + body.length + " of " + length + " bytes");
            }
        }
        return new RawRequest(parts[0], parts[1], headers, body);
    }

    /** @return whether the client asked to close the connection after this request */
    boolean closes() {
        return "close".equalsIgnoreCase(headers.get("connection"));
    }

    /** @return the body as UTF-8 text */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in, false);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                // Trailers, up to the empty line.
                while (!line(in, false).isEmpty()) {
                    // skip
                }
                return out.toByteArray();
            }
            byte[] data = in.readNBytes(n);
            if (data.length != n) {
                throw new EOFException("chunk ended early");
            }
            out.writeBytes(data);
            line(in, false);
        }
    }

    /** Reads a CRLF- or LF-terminated ASCII line; {@code null} at a clean end of stream if allowed. */
    private static String line(InputStream in, boolean endAllowed) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (endAllowed && sb.length() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a request");
            }
            if (b == '\n') {
                int end = sb.length();
                if (end > 0 && sb.charAt(end - 1) == '\r') {
                    sb.setLength(end - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("request line or header longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b);
        }
    }
}
