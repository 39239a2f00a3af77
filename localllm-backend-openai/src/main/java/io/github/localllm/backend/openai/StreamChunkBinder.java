package io.github.localllm.backend.openai;

import io.github.localllm.http.JsonBinder;
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "choices" -> choices(p, c);
                case "usage" -> usage(p, c);
                case "timings" -> c.timings = timings(p);
                // Any error member but null: the event is the server's error (read again whole).
                case "error" -> {
                    c.error |= t != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case "object" -> {
                    c.error |= t == JsonToken.VALUE_STRING && isError(p);
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "prompt_n" -> t.prompt_n = JsonScalars.integerOrNull(p);
                case "prompt_ms" -> t.prompt_ms = JsonScalars.doubleOrNull(p);
                case "prompt_per_second" -> t.prompt_per_second = JsonScalars.doubleOrNull(p);
                case "predicted_n" -> t.predicted_n = JsonScalars.integerOrNull(p);
                case "predicted_ms" -> t.predicted_ms = JsonScalars.doubleOrNull(p);
                case "predicted_per_second" -> t.predicted_per_second = JsonScalars.doubleOrNull(p);
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "prompt_tokens" -> c.promptTokens = JsonScalars.integerOrNull(p);
                case "completion_tokens" -> c.completionTokens = JsonScalars.integerOrNull(p);
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> choice.index = JsonScalars.integerOrNull(p);
                case "delta" -> delta(p, choice);
                case "text" -> choice.text = JsonScalars.string(p);
                case "finish_reason" -> choice.finishReason = JsonScalars.string(p);
                case "logprobs" -> {
                    if (logprobs && t != JsonToken.VALUE_NULL) {
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "content" -> choice.content = JsonScalars.string(p);
                case "reasoning_content" -> choice.reasoningContent = JsonScalars.string(p);
                case "reasoning" -> choice.reasoning = JsonScalars.string(p);
                case "refusal" -> choice.refusal = JsonScalars.string(p);
                case "tool_calls" -> toolCalls(p, choice);
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
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "index" -> call.index = JsonScalars.integerOrNull(p);
                    case "id" -> call.id = JsonScalars.string(p);
                    case "function" -> function(p, call);
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
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case "name" -> call.name = JsonScalars.string(p);
                case "arguments" -> call.arguments = JsonScalars.string(p);
                default -> p.skipChildren();
            }
        }
    }
}
