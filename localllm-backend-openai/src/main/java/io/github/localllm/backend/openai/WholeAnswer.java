package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.TokenLogprob;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.http.HttpErrors;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.MalformedStreamException;
import io.github.localllm.http.ServerError;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a whole (not streamed) {@code chat.completion} or {@code text_completion} answer and hands
 * it on as pieces: reasoning, text, then each tool call whole, then the finish reason, usage and the
 * server's timings as {@link AnswerMetrics} reads them. A 200 answer holding an error (LM Studio)
 * fails as that error.
 */
final class WholeAnswer implements Exchange.Reader {
    /** More than any answer a context holds; a server sending more is not answering. */
    private static final int MAX_BYTES = 64 << 20;

    private final ObjectMapper mapper;
    private final AnswerMetrics metrics;
    /** Alternatives per token asked for, or -1 when no log probabilities were. */
    private final int alternatives;

    WholeAnswer(ObjectMapper mapper, AnswerMetrics metrics, int alternatives) {
        this.mapper = mapper;
        this.metrics = metrics;
        this.alternatives = alternatives;
    }

    @Override
    public boolean read(HttpStream http, AnswerSink sink) {
        JsonNode answer = parse(http);
        Optional<ServerError> error = HttpErrors.errorIn(answer);
        if (error.isPresent()) {
            throw HttpErrors.fromStreamError(error.get(), http.errorContext());
        }
        JsonNode choice = answer.path("choices").path(0);
        JsonNode message = choice.path("message");
        JsonNode usage = answer.get("usage");
        if (usage != null && usage.isObject()) {
            sink.usage(integer(usage, "prompt_tokens"), integer(usage, "completion_tokens"));
        }
        sink.finishReason(text(choice, "finish_reason"));
        if (!sink.thinking(text(message, "reasoning_content")) || !sink.thinking(text(message, "reasoning"))
                || !sink.text(text(choice, "text"), message.isMissingNode() ? logprobs(choice) : List.of())
                || !sink.text(text(message, "content"), message.isMissingNode() ? List.of() : logprobs(choice))
                || !sink.text(text(message, "refusal"))) {
            return false;
        }
        int position = 0;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode f = call.path("function");
            JsonNode arguments = f.path("arguments");
            // Some servers write the arguments as an object rather than a JSON text.
            String args = arguments.isString() ? arguments.stringValue() : arguments.isMissingNode() ? "" : arguments.toString();
            if (!sink.toolCall(new ToolCallPiece(position++, text(call, "id"), text(f, "name"), args))) {
                return false;
            }
        }
        Duration elapsed = sink.elapsed();
        GenerationMetrics m = metrics.read(answer, sink.loadTime(), elapsed);
        // Pieces handed on at once would make rates measured here absurd: without the server's timings there are none.
        sink.finish(m != null ? m : new GenerationMetrics(sink.loadTime(), elapsed, elapsed, 0, 0));
        return false;
    }

    private JsonNode parse(HttpStream http) {
        byte[] bytes;
        try (InputStream in = http.body()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new GenerationException("reading the answer from " + http.uri() + " failed (" + e.getMessage()
                    + "); retry the request", e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new MalformedStreamException("the answer from " + http.uri() + " is larger than " + MAX_BYTES
                    + " bytes; the server sent something that is not a chat answer", 1, null);
        }
        try {
            JsonNode answer = mapper.readTree(bytes);
            if (answer == null || !answer.isObject()) {
                throw new MalformedStreamException("the answer from " + http.uri() + " is not a JSON object; check"
                        + " that the address points at an OpenAI-compatible server", 1, null);
            }
            return answer;
        } catch (JacksonException e) {
            throw new MalformedStreamException("the answer from " + http.uri() + " is not JSON ("
                    + e.getOriginalMessage() + "); the answer is incomplete or the address points at another kind of"
                    + " server", 1, e);
        }
    }

    private List<TokenLogprob> logprobs(JsonNode choice) {
        return alternatives < 0 ? List.of() : Logprobs.read(choice.get("logprobs"), alternatives);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.stringValue() : null;
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.intValue() : null;
    }
}
