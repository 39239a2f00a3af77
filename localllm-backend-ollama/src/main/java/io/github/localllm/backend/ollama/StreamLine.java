package io.github.localllm.backend.ollama;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One NDJSON line of {@code /api/generate} or {@code /api/chat} ({@code GenerateResponse},
 * {@code ChatResponse} of ollama/ollama api/types.go): only the members this engine reads. One
 * object serves every line of an answer, filled by {@link StreamLineBinder}, so a token costs no
 * object here (binding a new object per line cost about 100 bytes a token). Every member may be
 * missing: Go omits empty ones, and the documentation shows a final chat line without
 * {@code message}.
 */
final class StreamLine {
    /** {@code /api/generate}: the next piece of the answer. */
    String response;
    /** {@code /api/generate}: the next piece of reasoning. */
    String thinking;
    /** {@code /api/generate}: tool calls a model's own parser found (current servers). */
    List<WireToolCall> toolCalls;
    /** {@code /api/chat}: the next piece of the assistant's message; {@code null} when the line has none. */
    Message message;
    boolean done;
    /** {@code stop}, {@code length}, or {@code load}/{@code unload} for requests without input. */
    String doneReason;
    /** The log probabilities of this line's tokens, when asked for ({@code api.Logprob}). */
    List<Logprob> logprobs;
    /** An error after the answer began: the server keeps HTTP 200 and ends with this line. */
    String error;
    /** Integer nanoseconds, like every duration Ollama reports. */
    long totalDuration;
    long loadDuration;
    long promptEvalDuration;
    long evalDuration;
    int promptEvalCount;
    int evalCount;

    /** Forgets the last line: a member missing from the next one is absent, not the last line's. */
    void reset() {
        response = null;
        thinking = null;
        toolCalls = null;
        message = null;
        done = false;
        doneReason = null;
        logprobs = null;
        error = null;
        totalDuration = 0;
        loadDuration = 0;
        promptEvalDuration = 0;
        evalDuration = 0;
        promptEvalCount = 0;
        evalCount = 0;
    }

    /** {@code api.Message} as the server sends it. */
    static final class Message {
        String content;
        String thinking;
        List<WireToolCall> toolCalls;

        void reset() {
            content = null;
            thinking = null;
            toolCalls = null;
        }
    }

    /** {@code api.Logprob}: a generated token, its log probability and the likeliest alternatives. */
    static final class Logprob {
        String token;
        double logprob;
        List<Logprob> topLogprobs;
    }

    /** {@code api.ToolCall}: whole, never in fragments; {@code id} only from current servers. */
    static final class WireToolCall {
        String id;
        Function function;
    }

    /** {@code api.ToolCallFunction}: the arguments are a JSON object, not a string as in OpenAI's API. */
    static final class Function {
        String name;
        JsonNode arguments;
    }
}
