package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import io.github.localllm.testkit.internal.json.JsonWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request a fake received, kept so a test can assert what a client sent (a {@code keep_alive},
 * an {@code options.num_ctx}, {@code stream_options}, an {@code Authorization} header).
 *
 * @param method the HTTP method
 * @param path the decoded path, e.g. {@code /api/chat}
 * @param query the raw query string, empty when there is none
 * @param headers the request headers; names as the JDK server reports them (first letter upper
 *                case, the rest lower case), so look them up with {@link #header(String)}
 * @param body the body decoded as UTF-8, empty when there is none
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {

    /** Copies the headers so later changes cannot leak in. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, whatever the case of its name. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }

    /**
     * The JSON text of the body's value at an RFC 6901 pointer, written compactly with numbers
     * exactly as sent: {@code json("/options/num_ctx")} gives {@code 8192}, {@code json("/keep_alive")}
     * gives {@code "5m"} (with the quotes). Empty when the body is not JSON or has no such value.
     */
    public Optional<String> json(String pointer) {
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            throw new IllegalArgumentException("a JSON pointer starts with '/': " + pointer);
        }
        Object node;
        try {
            node = JsonReader.parse(body);
        } catch (JsonSyntaxException e) {
            return Optional.empty();
        }
        if (!pointer.isEmpty()) {
            for (String token : pointer.substring(1).split("/", -1)) {
                String key = token.replace("~1", "/").replace("~0", "~");
                if (node instanceof JsonObject object && object.has(key)) {
                    node = object.get(key);
                } else if (node instanceof List<?> list && key.matches("0|[1-9][0-9]*")
                        && Integer.parseInt(key) < list.size()) {
                    node = list.get(Integer.parseInt(key));
                } else {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(JsonWriter.write(node, JsonStyle.ECMASCRIPT));
    }
}
