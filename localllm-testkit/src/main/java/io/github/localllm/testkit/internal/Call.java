package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;

/**
 * One request as a protocol sees it: the recorded request plus its body parsed on first use.
 */
public final class Call {
    private final RecordedRequest request;
    private JsonObject json;

    public Call(RecordedRequest request) {
        this.request = request;
    }

    public RecordedRequest request() {
        return request;
    }

    public String method() {
        return request.method();
    }

    public String path() {
        return request.path();
    }

    public boolean isHead() {
        return "HEAD".equals(request.method());
    }

    /** The body as a JSON object; throws {@link io.github.localllm.testkit.internal.json.JsonSyntaxException} when it is not one. */
    public JsonObject json() {
        if (json == null) {
            json = JsonReader.parseObject(request.body());
        }
        return json;
    }

    /** The body's {@code model} member, or "" (for error messages when the body is not JSON). */
    public String modelOrEmpty() {
        try {
            return json().string("model").orElse("");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
