package io.github.localllm.backend.ollama;

import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonScalars;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Binds each NDJSON line of one answer into one {@link StreamLine} by hand, reading the members
 * this engine needs straight from the parser and skipping the rest (the model's name and the time
 * of every line, and whatever newer servers add). Tool calls and log probabilities are read by
 * hand too, into new objects: databinding a class from the parser's context makes its
 * deserializer's name matcher again on every call, some 3 KB a line. One per answer: the line it
 * returns is valid until the next.
 */
final class StreamLineBinder implements JsonBinder<StreamLine> {
    private final StreamLine line = new StreamLine();
    private final StreamLine.Message message = new StreamLine.Message();

    @Override
    public StreamLine bind(JsonParser p) {
        JsonScalars.requireObject(p, "an Ollama answer line");
        StreamLine l = line;
        l.reset();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "message" -> l.message = message(p);
                case "response" -> l.response = JsonScalars.string(p);
                case "thinking" -> l.thinking = JsonScalars.string(p);
                case "done" -> l.done = JsonScalars.bool(p);
                case "done_reason" -> l.doneReason = JsonScalars.string(p);
                case "error" -> l.error = JsonScalars.string(p);
                case "total_duration" -> l.totalDuration = JsonScalars.longValue(p);
                case "load_duration" -> l.loadDuration = JsonScalars.longValue(p);
                case "prompt_eval_duration" -> l.promptEvalDuration = JsonScalars.longValue(p);
                case "eval_duration" -> l.evalDuration = JsonScalars.longValue(p);
                case "prompt_eval_count" -> l.promptEvalCount = JsonScalars.intValue(p);
                case "eval_count" -> l.evalCount = JsonScalars.intValue(p);
                case "tool_calls" -> l.toolCalls = toolCalls(p);
                case "logprobs" -> l.logprobs = logprobs(p);
                default -> p.skipChildren();
            }
        }
        return l;
    }

    private StreamLine.Message message(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonScalars.requireObject(p, "a message");
        StreamLine.Message m = message;
        m.reset();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "content" -> m.content = JsonScalars.string(p);
                case "thinking" -> m.thinking = JsonScalars.string(p);
                case "tool_calls" -> m.toolCalls = toolCalls(p);
                default -> p.skipChildren();
            }
        }
        return m;
    }

    /** {@code api.ToolCall}s: each whole, its arguments a JSON object kept as a tree. */
    private static List<StreamLine.WireToolCall> toolCalls(JsonParser p) {
        if (!startArray(p, "an array of tool calls")) {
            return null;
        }
        List<StreamLine.WireToolCall> calls = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            JsonScalars.requireObject(p, "a tool call");
            StreamLine.WireToolCall call = new StreamLine.WireToolCall();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "id" -> call.id = JsonScalars.string(p);
                    case "function" -> call.function = function(p);
                    default -> p.skipChildren();
                }
            }
            calls.add(call);
        }
        return calls;
    }

    private static StreamLine.Function function(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonScalars.requireObject(p, "a function");
        StreamLine.Function f = new StreamLine.Function();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "name" -> f.name = JsonScalars.string(p);
                case "arguments" -> f.arguments = t == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        return f;
    }

    /** {@code api.Logprob}s: a token, its log probability and the likeliest alternatives. */
    private static List<StreamLine.Logprob> logprobs(JsonParser p) {
        if (!startArray(p, "an array of log probabilities")) {
            return null;
        }
        List<StreamLine.Logprob> out = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            JsonScalars.requireObject(p, "a log probability");
            StreamLine.Logprob lp = new StreamLine.Logprob();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "token" -> lp.token = JsonScalars.string(p);
                    case "logprob" -> {
                        Double v = JsonScalars.doubleOrNull(p);
                        lp.logprob = v == null ? 0 : v;
                    }
                    case "top_logprobs" -> lp.topLogprobs = logprobs(p);
                    default -> p.skipChildren();
                }
            }
            out.add(lp);
        }
        return out;
    }

    /** @return whether the parser is at the start of an array; false for JSON null */
    private static boolean startArray(JsonParser p, String what) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t != JsonToken.START_ARRAY) {
            throw JsonScalars.mismatch(p, what);
        }
        return true;
    }
}
