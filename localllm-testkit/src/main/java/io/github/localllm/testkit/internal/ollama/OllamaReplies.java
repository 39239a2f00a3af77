package io.github.localllm.testkit.internal.ollama;

import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import java.util.List;

/** How Ollama reads request bodies and writes JSON answers and errors: gin's {@code c.JSON} and Go's messages. */
final class OllamaReplies {
    static final String JSON = "application/json; charset=utf-8";
    static final String NDJSON = "application/x-ndjson";

    private OllamaReplies() {
    }

    /** The body as an object, or the 400 gin's {@code ShouldBindJSON} leads to. */
    static Object body(Call call, String requestType) {
        String body = call.request().body();
        if (body.isBlank()) {
            return error(400, "missing request body");
        }
        try {
            Object value = JsonReader.parse(body);
            if (value instanceof JsonObject o) {
                return o;
            }
            String kind = value instanceof List ? "array" : value instanceof String ? "string"
                    : value instanceof Boolean ? "bool" : value == null ? "null" : "number";
            return error(400, "json: cannot unmarshal " + kind + " into Go value of type api." + requestType);
        } catch (JsonSyntaxException e) {
            char first = body.strip().charAt(0);
            return error(400, "{[\"tfn-0123456789".indexOf(first) < 0
                    ? "invalid character '" + first + "' looking for beginning of value" : "unexpected EOF");
        }
    }

    static Reply error(int status, String message) {
        return json(status, new JsonObject().put("error", message));
    }

    static Reply json(int status, JsonObject body) {
        return Reply.json(status, JSON, body, JsonStyle.GO);
    }

    /** Go's {@code %q}: double quotes, backslash escapes. */
    static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 429 -> "too many requests";
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            default -> "error " + status;
        };
    }
}
