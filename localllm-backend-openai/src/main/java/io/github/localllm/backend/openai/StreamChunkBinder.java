package io.github.localllm.backend.openai;

import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonNames;
import io.github.localllm.http.JsonScalars;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Binds each event of one streamed answer into one {@link StreamChunk} by hand, reading the
 * members the engine needs straight from the parser and skipping the rest (the id, model, time and
 * fingerprint every event repeats, and whatever newer servers add). Log probabilities, read only
 * when asked for, are read as a tree. One per answer: the chunk it returns is valid until the next
 * event is bound.
 */
final class StreamChunkBinder implements JsonBinder<StreamChunk> {
    private static final char[] ERROR = {'e', 'r', 'r', 'o', 'r'};

    // The members read, by their position in the names below; the others listed are skipped, and
    // listed only so that their names (which every event repeats) match as fast.
    private static final int CHOICES = 0;
    private static final int USAGE = 1;
    private static final int TIMINGS = 2;
    private static final int ERROR_MEMBER = 3;
    private static final int OBJECT = 4;
    private static final JsonNames CHUNK = JsonNames.of("choices", "usage", "timings", "error", "object", "id", "model",
            "created", "system_fingerprint");

    private static final int INDEX = 0;
    private static final int DELTA = 1;
    private static final int TEXT = 2;
    private static final int FINISH_REASON = 3;
    private static final int LOGPROBS = 4;
    private static final JsonNames CHOICE = JsonNames.of("index", "delta", "text", "finish_reason", "logprobs");

    private static final int CONTENT = 0;
    private static final int REASONING_CONTENT = 1;
    private static final int REASONING = 2;
    private static final int REFUSAL = 3;
    private static final int TOOL_CALLS = 4;
    private static final JsonNames DELTA_MEMBERS = JsonNames.of("content", "reasoning_content", "reasoning", "refusal",
            "tool_calls", "role");

    private static final int CALL_INDEX = 0;
    private static final int CALL_ID = 1;
    private static final int CALL_FUNCTION = 2;
    private static final JsonNames CALL = JsonNames.of("index", "id", "function", "type");

    private static final int FUNCTION_NAME = 0;
    private static final int FUNCTION_ARGUMENTS = 1;
    private static final JsonNames FUNCTION = JsonNames.of("name", "arguments");

    private static final int PROMPT_TOKENS = 0;
    private static final int COMPLETION_TOKENS = 1;
    private static final JsonNames USAGE_MEMBERS = JsonNames.of("prompt_tokens", "completion_tokens", "total_tokens");

    private static final int PROMPT_N = 0;
    private static final int PROMPT_MS = 1;
    private static final int PROMPT_PER_SECOND = 2;
    private static final int PREDICTED_N = 3;
    private static final int PREDICTED_MS = 4;
    private static final int PREDICTED_PER_SECOND = 5;
    private static final JsonNames TIMINGS_MEMBERS = JsonNames.of("prompt_n", "prompt_ms", "prompt_per_second",
            "predicted_n", "predicted_ms", "predicted_per_second");

    private final StreamChunk chunk = new StreamChunk();
    private final boolean logprobs;

    /** @param logprobs whether log probabilities were asked for: they are read only then */
    StreamChunkBinder(boolean logprobs) {
        this.logprobs = logprobs;
    }

    @Override
    public StreamChunk bind(JsonParser p) {
        JsonScalars.requireObject(p, "a chunk");
        StreamChunk c = chunk;
        c.reset();
        for (int m = CHUNK.next(p); m >= 0; m = CHUNK.next(p)) {
            switch (m) {
                case CHOICES -> choices(p, c);
                case USAGE -> usage(p, c);
                case TIMINGS -> c.timings = timings(p);
                // Any error member but null: the event is the server's error (read again whole).
                case ERROR_MEMBER -> {
                    c.error |= p.currentToken() != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case OBJECT -> {
                    c.error |= p.currentToken() == JsonToken.VALUE_STRING && isError(p);
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
        return c;
    }

    /** vLLM's older errors: {@code "object": "error"}; compared in place, as every chunk names its object. */
    private static boolean isError(JsonParser p) {
        if (p.getStringLength() != ERROR.length) {
            return false;
        }
        char[] chars = p.getStringCharacters();
        int offset = p.getStringOffset();
        for (int i = 0; i < ERROR.length; i++) {
            if (chars[offset + i] != ERROR[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * llama.cpp's timings, by hand too: on the last event only, but databinding a class from a
     * parser's context makes its deserializer's name matcher again every time, some 3 KB an answer.
     */
    private static Timings timings(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonScalars.requireObject(p, "the timings");
        Timings t = new Timings();
        for (int m = TIMINGS_MEMBERS.next(p); m >= 0; m = TIMINGS_MEMBERS.next(p)) {
            switch (m) {
                case PROMPT_N -> t.prompt_n = JsonScalars.integerOrNull(p);
                case PROMPT_MS -> t.prompt_ms = JsonScalars.doubleOrNull(p);
                case PROMPT_PER_SECOND -> t.prompt_per_second = JsonScalars.doubleOrNull(p);
                case PREDICTED_N -> t.predicted_n = JsonScalars.integerOrNull(p);
                case PREDICTED_MS -> t.predicted_ms = JsonScalars.doubleOrNull(p);
                case PREDICTED_PER_SECOND -> t.predicted_per_second = JsonScalars.doubleOrNull(p);
                default -> p.skipChildren();
            }
        }
        return t;
    }

    private static void usage(JsonParser p, StreamChunk c) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        JsonScalars.requireObject(p, "the usage");
        c.usage = true;
        for (int m = USAGE_MEMBERS.next(p); m >= 0; m = USAGE_MEMBERS.next(p)) {
            switch (m) {
                case PROMPT_TOKENS -> c.promptTokens = JsonScalars.integerOrNull(p);
                case COMPLETION_TOKENS -> c.completionTokens = JsonScalars.integerOrNull(p);
                default -> p.skipChildren();
            }
        }
    }

    private void choices(JsonParser p, StreamChunk c) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw JsonScalars.mismatch(p, "an array of choices");
        }
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            JsonScalars.requireObject(p, "a choice");
            choice(p, c.addChoice());
        }
    }

    private void choice(JsonParser p, StreamChunk.Choice choice) {
        for (int m = CHOICE.next(p); m >= 0; m = CHOICE.next(p)) {
            switch (m) {
                case INDEX -> choice.other = p.currentToken() != JsonToken.VALUE_NULL && JsonScalars.intValue(p) != 0;
                case DELTA -> delta(p, choice);
                case TEXT -> choice.text = JsonScalars.string(p);
                case FINISH_REASON -> choice.finishReason = JsonScalars.string(p);
                case LOGPROBS -> {
                    if (logprobs && p.currentToken() != JsonToken.VALUE_NULL) {
                        choice.logprobs = p.readValueAsTree();
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void delta(JsonParser p, StreamChunk.Choice choice) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        JsonScalars.requireObject(p, "a delta");
        choice.delta = true;
        for (int m = DELTA_MEMBERS.next(p); m >= 0; m = DELTA_MEMBERS.next(p)) {
            switch (m) {
                case CONTENT -> choice.content = JsonScalars.string(p);
                case REASONING_CONTENT -> choice.reasoningContent = JsonScalars.string(p);
                case REASONING -> choice.reasoning = JsonScalars.string(p);
                case REFUSAL -> choice.refusal = JsonScalars.string(p);
                case TOOL_CALLS -> toolCalls(p, choice);
                default -> p.skipChildren();
            }
        }
    }

    private static void toolCalls(JsonParser p, StreamChunk.Choice choice) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw JsonScalars.mismatch(p, "an array of tool calls");
        }
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            JsonScalars.requireObject(p, "a tool call");
            StreamChunk.ToolCallDelta call = choice.addToolCall();
            for (int m = CALL.next(p); m >= 0; m = CALL.next(p)) {
                switch (m) {
                    case CALL_INDEX -> call.index = JsonScalars.integerOrNull(p);
                    case CALL_ID -> call.id = JsonScalars.string(p);
                    case CALL_FUNCTION -> function(p, call);
                    default -> p.skipChildren();
                }
            }
        }
    }

    private static void function(JsonParser p, StreamChunk.ToolCallDelta call) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        JsonScalars.requireObject(p, "a function");
        for (int m = FUNCTION.next(p); m >= 0; m = FUNCTION.next(p)) {
            switch (m) {
                case FUNCTION_NAME -> call.name = JsonScalars.string(p);
                case FUNCTION_ARGUMENTS -> call.arguments = JsonScalars.string(p);
                default -> p.skipChildren();
            }
        }
    }
}
