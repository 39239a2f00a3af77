package io.github.localllm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, to see the bytes a client library hides: the chunked
 * encoding's framing, whether the final empty chunk came, whether anything came at all.
 */
final class Raw {
    private Raw() {
    }

    /**
     * What came back.
     *
     * @param bytes everything the server sent before closing
     * @param statusLine the first line, or "" when nothing came
     * @param headers header names in lower case, first value
     * @param payload the bytes after the headers, still chunk-encoded if they were
     */
    record Response(byte[] bytes, String statusLine, Map<String, String> headers, String payload) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        boolean chunked() {
            return "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        }

        /** Whether the chunked body ended with its terminating empty chunk. */
        boolean terminated() {
            return payload.endsWith("0\r\n\r\n");
        }

        /** The body with the chunk framing removed (as far as it came). */
        String body() {
            if (!chunked()) {
                return new String(payload.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            StringBuilder out = new StringBuilder();
            byte[] raw = payload.getBytes(StandardCharsets.ISO_8859_1);
            int pos = 0;
            while (pos < raw.length) {
                int eol = indexOf(raw, pos);
                if (eol < 0) {
                    break;
                }
                int size = Integer.parseInt(new String(raw, pos, eol - pos, StandardCharsets.US_ASCII).trim(), 16);
                pos = eol + 2;
                if (size == 0) {
                    break;
                }
                int end = Math.min(pos + size, raw.length);
                out.append(new String(raw, pos, end - pos, StandardCharsets.UTF_8));
                pos = end + 2;
            }
            return out.toString();
        }

        /** The chunk sizes as sent, e.g. one per SSE event. */
        java.util.List<Integer> chunkSizes() {
            java.util.List<Integer> sizes = new java.util.ArrayList<>();
            byte[] raw = payload.getBytes(StandardCharsets.ISO_8859_1);
            int pos = 0;
            while (pos < raw.length) {
                int eol = indexOf(raw, pos);
                if (eol < 0) {
                    break;
                }
                int size = Integer.parseInt(new String(raw, pos, eol - pos, StandardCharsets.US_ASCII).trim(), 16);
                sizes.add(size);
                pos = eol + 2 + size + 2;
                if (size == 0) {
                    break;
                }
            }
            return sizes;
        }

        private static int indexOf(byte[] raw, int from) {
            for (int i = from; i + 1 < raw.length; i++) {
                if (raw[i] == '\r' && raw[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    static Response get(URI uri) {
        return exchange(uri, "GET", null);
    }

    static Response post(URI uri, String json) {
        return exchange(uri, "POST", json);
    }

    static Response exchange(URI uri, String method, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n");
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(out);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within 10 s; got: " + out, e);
            } catch (IOException e) {
                // A reset after the bytes that came is an answer too.
            }
            return parse(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits raw response bytes, e.g. a captured exchange, into status line, headers and payload. */
    static Response parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int split = all.indexOf("\r\n\r\n");
        if (split < 0) {
            return new Response(bytes, all.isEmpty() ? "" : all.split("\r\n")[0], Map.of(), "");
        }
        String[] lines = all.substring(0, split).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Response(bytes, lines[0], headers, all.substring(split + 4));
    }
}
