package io.github.localllm.backend.openai;

import io.github.localllm.TokenLogprob;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.http.HttpErrors;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import io.github.localllm.http.ServerError;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads a streamed chat or completions answer: {@code data:} events up to {@code data: [DONE]}
 * (NOTES.md "Chunk sequence"), each bound by hand into the answer's one {@link StreamChunk}. Text and reasoning
 * ({@code reasoning_content}, or {@code reasoning}) go on as they come; tool calls as pieces keyed by
 * their {@code index}, the first carrying id and name; the finish reason, usage (from the usage
 * chunk, or the last one) and llama.cpp's timings are kept for the end. An event holding an error
 * ends the answer with that error; a stream that stops before {@code [DONE]} is a
 * {@link io.github.localllm.http.TruncatedStreamException}.
 */
final class StreamedAnswer implements Exchange.Reader {
    private final StreamChunkBinder chunks;
    /** Alternatives per token asked for, or -1 when no log probabilities were. */
    private final int alternatives;
    /** The call a fragment without an index belongs to: the last one that had an id, or the first. */
    private int lastPosition;
    private int positions;
    /** The answer's events, from the first read on. */
    private SseReader events;

    /** @param alternatives alternatives per token asked for, or -1 when no log probabilities were */
    StreamedAnswer(int alternatives) {
        this.chunks = new StreamChunkBinder(alternatives >= 0);
        this.alternatives = alternatives;
    }

    @Override
    public boolean read(HttpStream http, AnswerSink sink) {
        if (events == null) {
            events = http.sse(b -> b.untilData(SseEvent.DONE));
        }
        if (!events.advance()) {
            // advance() reports a stream cut before [DONE] by throwing; a false here means it was closed.
            return false;
        }
        if (events.isEnd()) {
            sink.finish();
            return false;
        }
        StreamChunk chunk = events.readData(chunks);
        if (chunk.error) {
            throw HttpErrors.fromStreamError(error(events.readData(JsonNode.class)), http.errorContext());
        }
        return apply(chunk, sink);
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
    }

    private static ServerError error(JsonNode event) {
        Optional<ServerError> found = HttpErrors.errorIn(event);
        return found.orElseGet(() -> ServerError.of(event.toString()));
    }

    /** @return {@code false} once the consumer closed the stream */
    private boolean apply(StreamChunk chunk, AnswerSink sink) {
        if (chunk.usage) {
            sink.usage(chunk.promptTokens, chunk.completionTokens);
        }
        if (chunk.timings != null) {
            sink.timings(chunk.timings);
        }
        for (int i = 0; i < chunk.choiceCount; i++) {
            StreamChunk.Choice choice = chunk.choices[i];
            if (choice.other) {
                continue;
            }
            sink.finishReason(choice.finishReason);
            List<TokenLogprob> logprobs = alternatives < 0 ? List.of() : Logprobs.read(choice.logprobs, alternatives);
            if (!choice.delta) {
                // A completions chunk: its text is what the log probabilities describe.
                if (!sink.text(choice.text, logprobs)) {
                    return false;
                }
                continue;
            }
            if (!sink.thinking(choice.reasoningContent) || !sink.thinking(choice.reasoning)
                    || !sink.text(choice.content, logprobs) || !sink.text(choice.refusal)) {
                return false;
            }
            for (int j = 0; j < choice.toolCallCount; j++) {
                if (!sink.toolCall(piece(choice.toolCalls[j]))) {
                    return false;
                }
            }
        }
        return true;
    }

    private ToolCallPiece piece(StreamChunk.ToolCallDelta call) {
        int position;
        if (call.index != null && call.index >= 0) {
            position = call.index;
        } else if (call.id != null && !call.id.isEmpty()) {
            // No index (some servers): a new id starts the next call.
            position = positions;
        } else {
            position = lastPosition;
        }
        lastPosition = position;
        positions = Math.max(positions, position + 1);
        return new ToolCallPiece(position, call.id, call.name, call.arguments);
    }
}
