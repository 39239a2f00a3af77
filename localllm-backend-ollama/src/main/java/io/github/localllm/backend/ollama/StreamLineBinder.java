package io.github.localllm.backend.ollama;

import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonNames;
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
    // The members read, by their position in the names below; the others listed are skipped, and
    // listed only so that their names match as fast.
    private static final int MESSAGE = 0;
    private static final int RESPONSE = 1;
    private static final int THINKING = 2;
    private static final int DONE = 3;
    private static final int DONE_REASON = 4;
    private static final int ERROR = 5;
    private static final int TOTAL_DURATION = 6;
    private static final int LOAD_DURATION = 7;
    private static final int PROMPT_EVAL_DURATION = 8;
    private static final int EVAL_DURATION = 9;
    private static final int PROMPT_EVAL_COUNT = 10;
    private static final int EVAL_COUNT = 11;
    private static final int TOOL_CALLS = 12;
    private static final int LOGPROBS = 13;
    private static final JsonNames LINE = JsonNames.of("message", "response", "thinking", "done", "done_reason", "error",
            "total_duration", "load_duration", "prompt_eval_duration", "eval_duration", "prompt_eval_count", "eval_count",
            "tool_calls", "logprobs", "model", "created_at", "context");

    private static final int CONTENT = 0;
    private static final int MESSAGE_THINKING = 1;
    private static final int MESSAGE_TOOL_CALLS = 2;
    private static final JsonNames MESSAGE_MEMBERS = JsonNames.of("content", "thinking", "tool_calls", "role", "images");

    private static final int CALL_ID = 0;
    private static final int CALL_FUNCTION = 1;
    private static final JsonNames CALL = JsonNames.of("id", "function");

    private static final int FUNCTION_NAME = 0;
    private static final int FUNCTION_ARGUMENTS = 1;
    private static final JsonNames FUNCTION = JsonNames.of("name", "arguments");

    private static final int TOKEN = 0;
    private static final int LOGPROB = 1;
    private static final int TOP_LOGPROBS = 2;
    private static final JsonNames LOGPROB_MEMBERS = JsonNames.of("token", "logprob", "top_logprobs");
    private final StreamLine line = new StreamLine();
    private final StreamLine.Message message = new StreamLine.Message();

    @Override
    public StreamLine bind(JsonParser p) {
        JsonScalars.requireObject(p, "an Ollama answer line");
        StreamLine l = line;
        l.reset();
        for (int m = LINE.next(p); m >= 0; m = LINE.next(p)) {
            switch (m) {
                case MESSAGE -> l.message = message(p);
                case RESPONSE -> l.response = JsonScalars.string(p);
                case THINKING -> l.thinking = JsonScalars.string(p);
                case DONE -> l.done = JsonScalars.bool(p);
                case DONE_REASON -> l.doneReason = JsonScalars.string(p);
                case ERROR -> l.error = JsonScalars.string(p);
                case TOTAL_DURATION -> l.totalDuration = JsonScalars.longValue(p);
                case LOAD_DURATION -> l.loadDuration = JsonScalars.longValue(p);
                case PROMPT_EVAL_DURATION -> l.promptEvalDuration = JsonScalars.longValue(p);
                case EVAL_DURATION -> l.evalDuration = JsonScalars.longValue(p);
                case PROMPT_EVAL_COUNT -> l.promptEvalCount = JsonScalars.intValue(p);
                case EVAL_COUNT -> l.evalCount = JsonScalars.intValue(p);
                case TOOL_CALLS -> l.toolCalls = toolCalls(p);
                case LOGPROBS -> l.logprobs = logprobs(p);
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
        for (int member = MESSAGE_MEMBERS.next(p); member >= 0; member = MESSAGE_MEMBERS.next(p)) {
            switch (member) {
                case CONTENT -> m.content = JsonScalars.string(p);
                case MESSAGE_THINKING -> m.thinking = JsonScalars.string(p);
                case MESSAGE_TOOL_CALLS -> m.toolCalls = toolCalls(p);
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
            for (int m = CALL.next(p); m >= 0; m = CALL.next(p)) {
                switch (m) {
                    case CALL_ID -> call.id = JsonScalars.string(p);
                    case CALL_FUNCTION -> call.function = function(p);
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
        for (int m = FUNCTION.next(p); m >= 0; m = FUNCTION.next(p)) {
            switch (m) {
                case FUNCTION_NAME -> f.name = JsonScalars.string(p);
                case FUNCTION_ARGUMENTS -> f.arguments = p.currentToken() == JsonToken.VALUE_NULL ? null
                        : p.readValueAsTree();
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
            for (int m = LOGPROB_MEMBERS.next(p); m >= 0; m = LOGPROB_MEMBERS.next(p)) {
                switch (m) {
                    case TOKEN -> lp.token = JsonScalars.string(p);
                    case LOGPROB -> {
                        Double v = JsonScalars.doubleOrNull(p);
                        lp.logprob = v == null ? 0 : v;
                    }
                    case TOP_LOGPROBS -> lp.topLogprobs = logprobs(p);
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
