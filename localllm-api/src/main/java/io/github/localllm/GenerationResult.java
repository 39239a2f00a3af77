package io.github.localllm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The complete answer to a {@link GenerationRequest}. Engines build it with {@link #builder()}, so
 * that parts added later do not break them.
 *
 * @param text the generated text, stop sequence excluded
 * @param finishReason why generation ended
 * @param usage tokens consumed
 * @param metrics how fast it ran
 * @param model the model that answered
 * @param thinking the reasoning a thinking model showed before its answer; empty otherwise
 * @param toolCalls tools the model asked to call; empty otherwise
 * @param logprobs the log probabilities of the answer's tokens, in order, when the request asked for
 *        them ({@link GenerationRequest#logprobs()}); empty otherwise
 * @param routing how a router chose the engine that answered, which it tried and what failed;
 *        empty for an answer straight from an engine
 */
public record GenerationResult(String text, FinishReason finishReason, Usage usage,
                               GenerationMetrics metrics, String model, String thinking,
                               List<ToolCall> toolCalls, List<TokenLogprob> logprobs,
                               Optional<RoutingDecision> routing) {

    /** Checks no part is missing. */
    public GenerationResult {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(model, "model");
        thinking = thinking == null ? "" : thinking;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
        routing = routing == null ? Optional.empty() : routing;
    }

    /**
     * A result without a routing decision; kept so that code written before routers existed still compiles.
     *
     * @param text the generated text
     * @param finishReason why generation ended
     * @param usage tokens consumed
     * @param metrics how fast it ran
     * @param model the model that answered
     * @param thinking the reasoning shown
     * @param toolCalls tools the model asked to call
     * @param logprobs the log probabilities of the answer's tokens
     */
    public GenerationResult(String text, FinishReason finishReason, Usage usage, GenerationMetrics metrics,
                            String model, String thinking, List<ToolCall> toolCalls, List<TokenLogprob> logprobs) {
        this(text, finishReason, usage, metrics, model, thinking, toolCalls, logprobs, Optional.empty());
    }

    /**
     * A result without log probabilities; kept so that code written before they existed still compiles.
     *
     * @param text the generated text
     * @param finishReason why generation ended
     * @param usage tokens consumed
     * @param metrics how fast it ran
     * @param model the model that answered
     * @param thinking the reasoning shown
     * @param toolCalls tools the model asked to call
     */
    public GenerationResult(String text, FinishReason finishReason, Usage usage, GenerationMetrics metrics,
                            String model, String thinking, List<ToolCall> toolCalls) {
        this(text, finishReason, usage, metrics, model, thinking, toolCalls, List.of(), Optional.empty());
    }

    /**
     * A text answer without thinking or tool calls.
     *
     * @param text the generated text
     * @param finishReason why generation ended
     * @param usage tokens consumed
     * @param metrics how fast it ran
     * @param model the model that answered
     */
    public GenerationResult(String text, FinishReason finishReason, Usage usage, GenerationMetrics metrics,
                            String model) {
        this(text, finishReason, usage, metrics, model, "", List.of(), List.of(), Optional.empty());
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this result's values */
    public Builder toBuilder() {
        return new Builder().text(text).finishReason(finishReason).usage(usage).metrics(metrics).model(model)
                .thinking(thinking).toolCalls(toolCalls).logprobs(logprobs)
                .routing(routing.orElse(null));
    }

    /** Builds a {@link GenerationResult}; text, thinking and tool calls default to empty. */
    public static final class Builder {
        private String text = "";
        private FinishReason finishReason;
        private Usage usage;
        private GenerationMetrics metrics;
        private String model;
        private String thinking = "";
        private List<ToolCall> toolCalls = List.of();
        private List<TokenLogprob> logprobs = List.of();
        private RoutingDecision routing;

        private Builder() {
        }

        /** @param v the generated text @return this */
        public Builder text(String v) {
            text = v;
            return this;
        }

        /** @param v why generation ended @return this */
        public Builder finishReason(FinishReason v) {
            finishReason = v;
            return this;
        }

        /** @param v tokens consumed @return this */
        public Builder usage(Usage v) {
            usage = v;
            return this;
        }

        /** @param v how fast it ran @return this */
        public Builder metrics(GenerationMetrics v) {
            metrics = v;
            return this;
        }

        /** @param v the model that answered @return this */
        public Builder model(String v) {
            model = v;
            return this;
        }

        /** @param v the reasoning shown @return this */
        public Builder thinking(String v) {
            thinking = v;
            return this;
        }

        /** @param v tools the model asked to call @return this */
        public Builder toolCalls(List<ToolCall> v) {
            toolCalls = v;
            return this;
        }

        /** @param v the log probabilities of the answer's tokens @return this */
        public Builder logprobs(List<TokenLogprob> v) {
            logprobs = v;
            return this;
        }

        /** @param v how a router chose the engine that answered, or {@code null} for none @return this */
        public Builder routing(RoutingDecision v) {
            routing = v;
            return this;
        }

        /** @return the result @throws NullPointerException if the finish reason, usage, metrics or model is missing */
        public GenerationResult build() {
            return new GenerationResult(text, finishReason, usage, metrics, model, thinking, toolCalls, logprobs,
                    Optional.ofNullable(routing));
        }
    }
}
