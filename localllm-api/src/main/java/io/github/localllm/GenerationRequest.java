package io.github.localllm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to generate. Either a conversation ({@link #messages()}) or a single prompt
 * ({@link #prompt()}). A prompt is wrapped in the model's chat template as one user
 * message, like Ollama's {@code /api/generate}, unless {@link #raw()} is set or the
 * model has no chat template; raw prompts go to the model as they are.
 *
 * @param prompt the prompt, or {@code null} for a conversation
 * @param messages the conversation, empty for a prompt
 * @param raw send the prompt without a chat template
 * @param sampling how tokens are chosen
 * @param stop sequences that end generation; they are not part of the text
 * @param maxTokens the most tokens to generate, or {@code null} for as many as the context allows
 * @param responseFormat the shape of the answer
 * @param outputRetries how many more answers to ask for when a JSON answer does not match its schema,
 *        0 to {@value #MAX_OUTPUT_RETRIES}; each retry shows the model its answer and what is wrong
 *        with it. Only for {@link ResponseFormat#json()} and {@link ResponseFormat#jsonSchema(String)}.
 * @param tools functions the model may call instead of answering; see {@link ToolDefinition}
 * @param think whether a thinking model should reason before answering ({@code true}), answer at once
 *        ({@code false}), or do what the model does by default ({@code null})
 * @param timeout the most time the whole generation may take, or {@code null} for no limit; when it
 *        passes, the engine stops and {@link GenerationTimeoutException} is thrown
 * @param logprobs how many likeliest alternatives to report with each generated token's log
 *        probability, 0 to {@value #MAX_LOGPROB_ALTERNATIVES} (0: the chosen tokens only), or {@code null}
 *        for no log probabilities; see {@link GenerationResult#logprobs()}
 */
public record GenerationRequest(String prompt, List<ChatMessage> messages, boolean raw,
                                SamplingParameters sampling, List<String> stop, Integer maxTokens,
                                ResponseFormat responseFormat, int outputRetries, List<ToolDefinition> tools,
                                Boolean think, Duration timeout, Integer logprobs) {

    /** The most retries a request may ask for: each one generates a whole answer again. */
    public static final int MAX_OUTPUT_RETRIES = 5;

    /** The most alternatives per token a request may ask for: the limit of OpenAI's and Ollama's APIs. */
    public static final int MAX_LOGPROB_ALTERNATIVES = 20;

    /** Checks the request is complete and consistent. */
    public GenerationRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        // Check before copying: List.copyOf would throw a bare NullPointerException.
        if (stop != null && stop.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new InvalidRequestException("stop sequences must not be empty or null; remove "
                    + "the empty entry");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        sampling = sampling == null ? SamplingParameters.defaults() : sampling;
        responseFormat = responseFormat == null ? ResponseFormat.text() : responseFormat;
        if (prompt != null && !messages.isEmpty()) {
            throw new InvalidRequestException("a request has either a prompt or chat messages, not both");
        }
        if (prompt == null && messages.isEmpty()) {
            throw new InvalidRequestException("the request is empty; give a prompt or at least one chat message");
        }
        if (prompt != null && prompt.isEmpty()) {
            throw new InvalidRequestException("the prompt is empty; give the model some text to continue or answer");
        }
        if (!messages.isEmpty() && raw) {
            throw new InvalidRequestException("raw applies to prompts only; chat messages always use the chat template");
        }
        if (messages.stream().allMatch(ChatMessage::isEmpty) && prompt == null) {
            throw new InvalidRequestException("every chat message is empty; give the model some text to answer");
        }
        if (maxTokens != null && maxTokens <= 0) {
            throw new InvalidRequestException("maxTokens must be positive, was " + maxTokens
                    + "; leave it unset to generate until the model stops");
        }
        if (outputRetries < 0 || outputRetries > MAX_OUTPUT_RETRIES) {
            throw new InvalidRequestException("outputRetries must be between 0 and " + MAX_OUTPUT_RETRIES + ", was "
                    + outputRetries + "; each retry generates a whole answer again, so if answers keep failing"
                    + " the schema, loosen the schema or describe the expected JSON in the prompt");
        }
        if (outputRetries > 0 && !(responseFormat instanceof ResponseFormat.JsonObject
                || responseFormat instanceof ResponseFormat.JsonSchema)) {
            throw new InvalidRequestException("outputRetries applies to JSON answers only, but the response format"
                    + " is " + (responseFormat instanceof ResponseFormat.Grammar ? "a grammar" : responseFormat)
                    + "; use ResponseFormat.json() or ResponseFormat.jsonSchema(...), or remove outputRetries");
        }
        tools = tools == null ? List.of() : List.copyOf(tools);
        Set<String> names = new HashSet<>();
        for (ToolDefinition tool : tools) {
            if (!names.add(tool.name())) {
                throw new InvalidRequestException("two tools are named '" + tool.name() + "'; give each tool its own name");
            }
        }
        checkToolResults(messages);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new InvalidRequestException("timeout must be positive, was " + timeout
                    + "; leave it unset for no limit");
        }
        if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROB_ALTERNATIVES)) {
            throw new InvalidRequestException("logprobs asks for " + logprobs + " alternatives per token; ask for 0"
                    + " (the chosen tokens only) to " + MAX_LOGPROB_ALTERNATIVES + ", the most servers report");
        }
    }

    /** Servers refuse a tool result whose call they never saw; say so before sending. */
    private static void checkToolResults(List<ChatMessage> messages) {
        Set<String> called = new HashSet<>();
        for (ChatMessage m : messages) {
            m.toolCalls().forEach(c -> called.add(c.id()));
            if (m.role() == Role.TOOL && m.toolCallId() != null && !called.contains(m.toolCallId())) {
                throw new InvalidRequestException("the tool result for call '" + m.toolCallId() + "' answers no"
                        + " earlier tool call; put the assistant message with that call (ChatMessage.of(result))"
                        + " before it");
            }
        }
    }

    /**
     * A request without log probabilities; kept so that code written before they existed still compiles.
     *
     * @param prompt the prompt, or {@code null} for a conversation
     * @param messages the conversation, empty for a prompt
     * @param raw send the prompt without a chat template
     * @param sampling how tokens are chosen
     * @param stop sequences that end generation
     * @param maxTokens the most tokens to generate, or {@code null}
     * @param responseFormat the shape of the answer
     * @param outputRetries retries for JSON answers that miss their schema
     * @param tools functions the model may call
     * @param think whether a thinking model should reason first, or {@code null}
     * @param timeout the most time the whole generation may take, or {@code null}
     */
    public GenerationRequest(String prompt, List<ChatMessage> messages, boolean raw, SamplingParameters sampling,
                             List<String> stop, Integer maxTokens, ResponseFormat responseFormat, int outputRetries,
                             List<ToolDefinition> tools, Boolean think, Duration timeout) {
        this(prompt, messages, raw, sampling, stop, maxTokens, responseFormat, outputRetries, tools, think, timeout,
                null);
    }

    /**
     * A request without tools, thinking choice or timeout; kept so that code written before they
     * existed still compiles.
     *
     * @param prompt the prompt, or {@code null} for a conversation
     * @param messages the conversation, empty for a prompt
     * @param raw send the prompt without a chat template
     * @param sampling how tokens are chosen
     * @param stop sequences that end generation
     * @param maxTokens the most tokens to generate, or {@code null}
     * @param responseFormat the shape of the answer
     * @param outputRetries retries for JSON answers that miss their schema
     */
    public GenerationRequest(String prompt, List<ChatMessage> messages, boolean raw, SamplingParameters sampling,
                             List<String> stop, Integer maxTokens, ResponseFormat responseFormat, int outputRetries) {
        this(prompt, messages, raw, sampling, stop, maxTokens, responseFormat, outputRetries, List.of(), null, null,
                null);
    }

    /**
     * A request without output retries; kept so that code written before {@link #outputRetries()}
     * existed still compiles.
     *
     * @param prompt the prompt, or {@code null} for a conversation
     * @param messages the conversation, empty for a prompt
     * @param raw send the prompt without a chat template
     * @param sampling how tokens are chosen
     * @param stop sequences that end generation
     * @param maxTokens the most tokens to generate, or {@code null}
     * @param responseFormat the shape of the answer
     */
    public GenerationRequest(String prompt, List<ChatMessage> messages, boolean raw, SamplingParameters sampling,
                             List<String> stop, Integer maxTokens, ResponseFormat responseFormat) {
        this(prompt, messages, raw, sampling, stop, maxTokens, responseFormat, 0);
    }

    /** @param prompt the prompt @return a request with default settings */
    public static GenerationRequest of(String prompt) {
        return builder().prompt(prompt).build();
    }

    /** @param messages the conversation @return a request with default settings */
    public static GenerationRequest chat(ChatMessage... messages) {
        return builder().messages(List.of(messages)).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this request's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompt = prompt;
        b.messages.addAll(messages);
        b.raw = raw;
        b.sampling = sampling;
        b.stop.addAll(stop);
        b.maxTokens = maxTokens;
        b.responseFormat = responseFormat;
        b.outputRetries = outputRetries;
        b.tools.addAll(tools);
        b.think = think;
        b.timeout = timeout;
        b.logprobs = logprobs;
        return b;
    }

    /** Builds a {@link GenerationRequest}. */
    public static final class Builder {
        private String prompt;
        private final List<ChatMessage> messages = new ArrayList<>();
        private boolean raw;
        private SamplingParameters sampling;
        private final List<String> stop = new ArrayList<>();
        private Integer maxTokens;
        private ResponseFormat responseFormat;
        private int outputRetries;
        private final List<ToolDefinition> tools = new ArrayList<>();
        private Boolean think;
        private Duration timeout;
        private Integer logprobs;

        private Builder() {
        }

        /** @param prompt the prompt @return this */
        public Builder prompt(String prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        /** @param raw skip the chat template for the prompt @return this */
        public Builder raw(boolean raw) {
            this.raw = raw;
            return this;
        }

        /** @param message a turn to append @return this */
        public Builder message(ChatMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /** @param role who speaks @param content what is said @return this */
        public Builder message(Role role, String content) {
            return message(new ChatMessage(role, content));
        }

        /** @param content a system message to append @return this */
        public Builder system(String content) {
            return message(ChatMessage.system(content));
        }

        /** @param content a user message to append @return this */
        public Builder user(String content) {
            return message(ChatMessage.user(content));
        }

        /** @param content an assistant message to append @return this */
        public Builder assistant(String content) {
            return message(ChatMessage.assistant(content));
        }

        /** @param all turns to append, in order @return this */
        public Builder messages(List<ChatMessage> all) {
            all.forEach(this::message);
            return this;
        }

        /** @param sampling how tokens are chosen @return this */
        public Builder sampling(SamplingParameters sampling) {
            this.sampling = sampling;
            return this;
        }

        /** @param temperature randomness, 0 for greedy @return this */
        public Builder temperature(double temperature) {
            SamplingParameters base = sampling == null ? SamplingParameters.defaults() : sampling;
            this.sampling = base.toBuilder().temperature(temperature).build();
            return this;
        }

        /** @param seed sampler seed @return this */
        public Builder seed(long seed) {
            SamplingParameters base = sampling == null ? SamplingParameters.defaults() : sampling;
            this.sampling = base.toBuilder().seed(seed).build();
            return this;
        }

        /** @param sequences stop sequences to add @return this */
        public Builder stop(String... sequences) {
            // Arrays.asList keeps a null entry so that build() can reject it with a helpful message.
            stop.addAll(Arrays.asList(sequences));
            return this;
        }

        /** @param maxTokens the most tokens to generate @return this */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** @param format the shape of the answer @return this */
        public Builder responseFormat(ResponseFormat format) {
            this.responseFormat = format;
            return this;
        }

        /**
         * @param retries how many more answers to ask for when a JSON answer does not match its
         *        schema, 0 (the default) to {@value GenerationRequest#MAX_OUTPUT_RETRIES}; needs a JSON
         *        or JSON-schema response format
         * @return this
         */
        public Builder outputRetries(int retries) {
            this.outputRetries = retries;
            return this;
        }

        /** @param tool a function the model may call @return this */
        public Builder tool(ToolDefinition tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** @param all functions the model may call @return this */
        public Builder tools(List<ToolDefinition> all) {
            all.forEach(this::tool);
            return this;
        }

        /**
         * @param think {@code true} to let a thinking model reason first, {@code false} to ask it to answer at once
         * @return this
         */
        public Builder think(boolean think) {
            this.think = think;
            return this;
        }

        /** @param timeout the most time the whole generation may take @return this */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Asks for the log probability of each generated token, with its likeliest alternatives.
         *
         * @param alternatives how many alternatives per token, 0 (the chosen tokens only) to
         *        {@value GenerationRequest#MAX_LOGPROB_ALTERNATIVES}
         * @return this
         */
        public Builder logprobs(int alternatives) {
            this.logprobs = alternatives;
            return this;
        }

        /** @return the request @throws InvalidRequestException if it is empty or inconsistent */
        public GenerationRequest build() {
            return new GenerationRequest(prompt, messages, raw, sampling, stop, maxTokens, responseFormat,
                    outputRetries, tools, think, timeout, logprobs);
        }
    }
}
