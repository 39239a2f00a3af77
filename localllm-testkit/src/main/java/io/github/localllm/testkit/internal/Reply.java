package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A response a protocol wants sent; {@link ReplyWriter} sends it and applies the active faults.
 *
 * @param status the HTTP status
 * @param headers response headers in order (the JDK sets {@code Date}, {@code Content-length} and
 *                {@code Transfer-encoding} itself)
 * @param body the body
 * @param style how JSON in the body is printed
 */
public record Reply(int status, List<Map.Entry<String, String>> headers, Body body, JsonStyle style) {
    public Reply {
        headers = List.copyOf(headers);
    }

    public static Reply json(int status, String contentType, Object tree, JsonStyle style) {
        return new Reply(status, List.of(Map.entry("Content-Type", contentType)), new Body.Json(tree, false), style);
    }

    public static Reply text(int status, String contentType, String text) {
        return new Reply(status, List.of(Map.entry("Content-Type", contentType)), new Body.Text(text), JsonStyle.GO);
    }

    public static Reply stream(String contentType, Framing framing, List<Chunk> chunks, JsonStyle style) {
        return new Reply(200, List.of(Map.entry("Content-Type", contentType)), new Body.Stream(framing, chunks), style);
    }

    /** The same reply with one more header, after the others. */
    public Reply withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Reply(status, more, body, style);
    }

    /** The same reply with these headers before its own (a server's fixed headers such as {@code Server}). */
    public Reply withLeadingHeaders(List<Map.Entry<String, String>> leading) {
        List<Map.Entry<String, String>> all = new ArrayList<>(leading);
        all.addAll(headers);
        return new Reply(status, all, body, style);
    }

    /** The same reply with a {@code \n} after its JSON body. */
    public Reply withNewline() {
        if (body instanceof Body.Json json) {
            return new Reply(status, headers, new Body.Json(json.tree(), true), style);
        }
        return this;
    }
}
