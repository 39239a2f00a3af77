package io.github.localllm.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a fake answers to one generation request: text pieces streamed one chunk each, tool calls,
 * why it stopped, token counts and timings. Each server reports them in its own units (Ollama
 * integer nanoseconds, llama.cpp milliseconds, LM Studio seconds).
 *
 * @param pieces the text, one streamed chunk per piece
 * @param toolCalls tool calls sent after the text, only when the request offers tools (servers parse
 *                  tool calls out of the model's output only then)
 * @param stopReason why the answer ends
 * @param promptTokens tokens in the prompt (Ollama omits {@code prompt_eval_count} when 0, as on a full cache hit)
 * @param cachedPromptTokens of those, tokens taken from the cache (llama.cpp {@code cache_n})
 * @param completionTokens tokens generated
 * @param loadDuration time spent loading the model
 * @param promptEvalDuration time spent on the prompt (also the time to the first token)
 * @param evalDuration time spent generating
 * @param totalDuration the whole request
 * @param pieceInterval pause between streamed pieces, to let a client cancel mid-stream
 * @param id the response id to report instead of a made-up one, e.g. to replay a capture
 * @param thinking reasoning pieces streamed before the text, one chunk each, by servers that
 *                 separate it (Ollama {@code thinking}) and only for models that think
 */
public record ScriptedAnswer(List<String> pieces, List<FakeToolCall> toolCalls, StopReason stopReason, int promptTokens,
        int cachedPromptTokens, int completionTokens, Duration loadDuration, Duration promptEvalDuration,
        Duration evalDuration, Duration totalDuration, Duration pieceInterval, Optional<String> id,
        List<String> thinking) {

    /** Checks counts and durations and copies the lists. */
    public ScriptedAnswer {
        pieces = List.copyOf(pieces);
        toolCalls = List.copyOf(toolCalls);
        thinking = thinking == null ? List.of() : List.copyOf(thinking);
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(id, "id");
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0 || cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("token counts must be >= 0 and cached <= prompt tokens");
        }
        for (Duration d : List.of(loadDuration, promptEvalDuration, evalDuration, totalDuration, pieceInterval)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations cannot be negative: " + d);
            }
        }
    }

    /** An answer made of these pieces, one token each, with the builder's default counts and timings. */
    public static ScriptedAnswer of(String... pieces) {
        return builder().pieces(pieces).build();
    }

    /** An answer that only calls tools. */
    public static ScriptedAnswer toolCalls(FakeToolCall... calls) {
        Builder b = builder();
        for (FakeToolCall call : calls) {
            b.toolCall(call);
        }
        return b.build();
    }

    /** The whole text. */
    public String text() {
        return String.join("", pieces);
    }

    /** The whole reasoning, empty when none is scripted. */
    public String thinkingText() {
        return String.join("", thinking);
    }

    /** The same answer reporting another prompt token count, as a server that cut the prompt reports the tokens it kept. */
    public ScriptedAnswer withPromptTokens(int tokens) {
        return new ScriptedAnswer(pieces, toolCalls, stopReason, tokens, Math.min(cachedPromptTokens, tokens),
                completionTokens, loadDuration, promptEvalDuration, evalDuration, totalDuration, pieceInterval, id,
                thinking);
    }

    /** A builder with the defaults listed on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link ScriptedAnswer}. Defaults: no pieces, no tool calls, {@link StopReason#STOP},
     * 10 prompt tokens (none cached), one completion token per piece, thinking piece and tool call, load 5 ms,
     * prompt 20 ms, generation 10 ms per completion token, total = the sum, no pause between pieces.
     */
    public static final class Builder {
        private final List<String> pieces = new ArrayList<>();
        private final List<FakeToolCall> toolCalls = new ArrayList<>();
        private final List<String> thinking = new ArrayList<>();
        private StopReason stopReason = StopReason.STOP;
        private int promptTokens = 10;
        private int cachedPromptTokens;
        private Integer completionTokens;
        private Duration loadDuration = Duration.ofMillis(5);
        private Duration promptEvalDuration = Duration.ofMillis(20);
        private Duration evalDuration;
        private Duration totalDuration;
        private Duration pieceInterval = Duration.ZERO;
        private String id;

        private Builder() {
        }

        /** Appends text pieces. */
        public Builder pieces(String... more) {
            for (String p : more) {
                pieces.add(Objects.requireNonNull(p, "piece"));
            }
            return this;
        }

        /** Appends reasoning pieces, streamed before the text. */
        public Builder thinking(String... more) {
            for (String p : more) {
                thinking.add(Objects.requireNonNull(p, "thinking"));
            }
            return this;
        }

        /** Appends a tool call. */
        public Builder toolCall(FakeToolCall call) {
            toolCalls.add(Objects.requireNonNull(call, "call"));
            return this;
        }

        /** Why the answer ends. */
        public Builder stopReason(StopReason reason) {
            this.stopReason = reason;
            return this;
        }

        /** Tokens in the prompt. */
        public Builder promptTokens(int tokens) {
            this.promptTokens = tokens;
            return this;
        }

        /** Prompt tokens taken from the cache. */
        public Builder cachedPromptTokens(int tokens) {
            this.cachedPromptTokens = tokens;
            return this;
        }

        /** Tokens generated (by default one per piece and per tool call). */
        public Builder completionTokens(int tokens) {
            this.completionTokens = tokens;
            return this;
        }

        /** Time spent loading the model. */
        public Builder loadDuration(Duration d) {
            this.loadDuration = d;
            return this;
        }

        /** Time spent on the prompt. */
        public Builder promptEvalDuration(Duration d) {
            this.promptEvalDuration = d;
            return this;
        }

        /** Time spent generating (by default 10 ms per completion token). */
        public Builder evalDuration(Duration d) {
            this.evalDuration = d;
            return this;
        }

        /** The whole request's time (by default the sum of the others). */
        public Builder totalDuration(Duration d) {
            this.totalDuration = d;
            return this;
        }

        /** A pause before each streamed piece. */
        public Builder pieceInterval(Duration d) {
            this.pieceInterval = d;
            return this;
        }

        /** The response id to report, e.g. {@code chatcmpl-...} when replaying a capture. */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The answer. */
        public ScriptedAnswer build() {
            int completion = completionTokens != null ? completionTokens : pieces.size() + thinking.size() + toolCalls.size();
            Duration eval = evalDuration != null ? evalDuration : Duration.ofMillis(10L * completion);
            Duration total = totalDuration != null ? totalDuration : loadDuration.plus(promptEvalDuration).plus(eval);
            return new ScriptedAnswer(pieces, toolCalls, stopReason, promptTokens, cachedPromptTokens, completion,
                    loadDuration, promptEvalDuration, eval, total, pieceInterval, Optional.ofNullable(id), thinking);
        }
    }
}
