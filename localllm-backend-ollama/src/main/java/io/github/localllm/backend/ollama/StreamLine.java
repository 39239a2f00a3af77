package io.github.localllm.backend.ollama;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One NDJSON line of {@code /api/generate} or {@code /api/chat} ({@code GenerateResponse},
 * {@code ChatResponse} of ollama/ollama api/types.go), or the one object of a non-streamed answer:
 * only the members this engine reads, as mutable fields, because binding a line to a small class
 * costs the least per token (StreamReaderBenchmark). Every member may be missing: Go omits empty
 * ones, and the documentation shows a final chat line without {@code message}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
final class StreamLine {
    /** {@code /api/generate}: the next piece of the answer. */
    public String response;
    /** {@code /api/generate}: the next piece of reasoning. */
    public String thinking;
    /** {@code /api/generate}: tool calls a model's own parser found (current servers). */
    public List<WireToolCall> toolCalls;
    /** {@code /api/chat}: the next piece of the assistant's message. */
    public Message message;
    public boolean done;
    /** {@code stop}, {@code length}, or {@code load}/{@code unload} for requests without input. */
    public String doneReason;
    /** The log probabilities of this line's tokens, when asked for ({@code api.Logprob}). */
    public List<Logprob> logprobs;
    /** An error after the answer began: the server keeps HTTP 200 and ends with this line. */
    public String error;
    /** Integer nanoseconds, like every duration Ollama reports. */
    public long totalDuration;
    public long loadDuration;
    public long promptEvalDuration;
    public long evalDuration;
    public int promptEvalCount;
    public int evalCount;

    /** {@code api.Message} as the server sends it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    static final class Message {
        public String content;
        public String thinking;
        public List<WireToolCall> toolCalls;
    }

    /** {@code api.Logprob}: a generated token, its log probability and the likeliest alternatives. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    static final class Logprob {
        public String token;
        public double logprob;
        public List<Logprob> topLogprobs;
    }

    /** {@code api.ToolCall}: whole, never in fragments; {@code id} only from current servers. */
    static final class WireToolCall {
        public String id;
        public Function function;
    }

    /** {@code api.ToolCallFunction}: the arguments are a JSON object, not a string as in OpenAI's API. */
    static final class Function {
        public String name;
        public JsonNode arguments;
    }
}
