package io.github.localllm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the protocol samples in src/main/resources/io/github/localllm/testkit/fixtures. */
final class Fixtures {
    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = FakeServer.class.getResourceAsStream("/io/github/localllm/testkit/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a captured {@code .http} exchange (after the blank line), as it was on the wire. */
    static String httpBody(String name) {
        String text = text(name);
        int split = text.indexOf("\r\n\r\n");
        return text.substring(split + 4);
    }

    /** A pretty-printed JSON sample with the insignificant whitespace removed, as the servers send it. */
    static String compactJson(String name) {
        String text = text(name).strip();
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (!Character.isWhitespace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The member names of a JSON text in the order they appear, nested ones included: its shape without values. */
    static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** The lines of an NDJSON sample. */
    static List<String> lines(String name) {
        List<String> lines = new ArrayList<>();
        for (String l : text(name).split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }
}
