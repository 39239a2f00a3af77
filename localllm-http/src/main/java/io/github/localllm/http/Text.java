package io.github.localllm.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Short, safe renderings of what came from outside, for messages. */
final class Text {
    /** Server text shown in a message is cut here: enough to recognise it, never a whole page. */
    static final int EXCERPT_CHARS = 200;

    private Text() {
    }

    /** @return the first {@code max} characters of {@code s} on one line, control characters shown as spaces */
    static String excerpt(String s, int max) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 3);
        boolean space = false;
        int i = 0;
        for (; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        if (i < s.length() && !s.substring(i).isBlank()) {
            out.append("...");
        }
        return out.toString();
    }

    static String excerpt(String s) {
        return excerpt(s, EXCERPT_CHARS);
    }

    /** @return an excerpt of UTF-8 bytes, decoding no more of them than can show */
    static String excerpt(byte[] bytes, int offset, int length) {
        int take = Math.min(length, EXCERPT_CHARS * 4);
        String head = new String(bytes, offset, take, StandardCharsets.UTF_8);
        String shown = excerpt(head, EXCERPT_CHARS);
        return take < length && !shown.endsWith("...") ? shown + "..." : shown;
    }

    /** The address without user info, query or fragment, which may hold credentials or signatures. */
    static String label(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + path;
    }

    /** @return a throwable's message, or its class name when it has none */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : excerpt(message);
    }
}
