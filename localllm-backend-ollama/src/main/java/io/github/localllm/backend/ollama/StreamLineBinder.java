package io.github.localllm.backend.ollama;

import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonScalars;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.type.TypeReference;

/**
 * Binds each NDJSON line of one answer into one {@link StreamLine} by hand, reading the members
 * this engine needs straight from the parser and skipping the rest (the model's name and the time
 * of every line, and whatever newer servers add). Tool calls and log probabilities, which only a
 * few lines carry, are handed to databinding. One per answer: the line it returns is valid until
 * the next.
 */
final class StreamLineBinder implements JsonBinder<StreamLine> {
    private static final TypeReference<List<StreamLine.WireToolCall>> TOOL_CALLS = new TypeReference<>() {
    };
    private static final TypeReference<List<StreamLine.Logprob>> LOGPROBS = new TypeReference<>() {
    };

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
                case "tool_calls" -> l.toolCalls = p.readValueAs(TOOL_CALLS);
                case "logprobs" -> l.logprobs = p.readValueAs(LOGPROBS);
                default -> p.skipChildren();
            }
        }
        return l;
    }

    private StreamLine.Message message(JsonParser p) {
        if (p.currentToken() == tools.jackson.core.JsonToken.VALUE_NULL) {
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
                case "tool_calls" -> m.toolCalls = p.readValueAs(TOOL_CALLS);
                default -> p.skipChildren();
            }
        }
        return m;
    }
}
