package io.github.localllm.backend.openai;

import tools.jackson.databind.JsonNode;

/**
 * The members of a streamed {@code chat.completion.chunk} or {@code text_completion} event that
 * the engine reads. One object, with its choices and tool-call fragments, serves every event of an
 * answer, filled by {@link StreamChunkBinder}: a token costs no object here (binding a new chunk,
 * its choice array, choice and delta per event cost about 200 bytes a token). Every member may be
 * missing or {@code null}, as servers differ; a member missing from an event is absent, never the
 * last event's.
 */
final class StreamChunk {
    /** An error after streaming began (an {@code error} member, or vLLM's older {@code "object": "error"}). */
    boolean error;
    /** Whether the event has a {@code usage} object: the usage chunk ({@code stream_options.include_usage}), or the last. */
    boolean usage;
    /** {@code usage.prompt_tokens}. */
    Integer promptTokens;
    /** {@code usage.completion_tokens}. */
    Integer completionTokens;
    /** llama.cpp's timings, on the last event. */
    Timings timings;
    /** How many of {@link #choices} this event has; 0 on the usage chunk. */
    int choiceCount;
    /** The event's choices, {@code [0, choiceCount)}; the objects are reused. */
    Choice[] choices = {new Choice()};

    void reset() {
        error = false;
        usage = false;
        promptTokens = null;
        completionTokens = null;
        timings = null;
        choiceCount = 0;
    }

    /** @return the next choice to fill, reset */
    Choice addChoice() {
        if (choiceCount == choices.length) {
            choices = grow(choices, Choice::new);
        }
        Choice c = choices[choiceCount++];
        c.reset();
        return c;
    }

    static <T> T[] grow(T[] array, java.util.function.Supplier<T> fresh) {
        T[] bigger = java.util.Arrays.copyOf(array, array.length * 2);
        for (int i = array.length; i < bigger.length; i++) {
            bigger[i] = fresh.get();
        }
        return bigger;
    }

    /** One choice of a chunk. */
    static final class Choice {
        /**
         * Whether its {@code index} names a choice other than the first: one answer is asked for
         * (n = 1), so such a choice would be another answer. Some servers leave the index out.
         */
        boolean other;
        /** What a completions chunk adds. */
        String text;
        /** Why the answer ended, on its last chunk; {@code null} before. */
        String finishReason;
        /** The log probabilities of this chunk's tokens, when asked for; read by {@link Logprobs}. */
        JsonNode logprobs;
        /** Whether the choice has a {@code delta} object (a chat chunk); its members follow. */
        boolean delta;
        /** Answer text. */
        String content;
        /** Reasoning, as llama.cpp and DeepSeek send it. */
        String reasoningContent;
        /** Reasoning, as Ollama and LM Studio send it for gpt-oss. */
        String reasoning;
        /** The OpenAI API's refusal text, sent instead of content. */
        String refusal;
        /** How many of {@link #toolCalls} the delta has. */
        int toolCallCount;
        /** Fragments of tool calls, {@code [0, toolCallCount)}; the objects are reused. */
        ToolCallDelta[] toolCalls = {new ToolCallDelta()};

        void reset() {
            other = false;
            text = null;
            finishReason = null;
            logprobs = null;
            delta = false;
            content = null;
            reasoningContent = null;
            reasoning = null;
            refusal = null;
            toolCallCount = 0;
        }

        /** @return the next tool-call fragment to fill, reset */
        ToolCallDelta addToolCall() {
            if (toolCallCount == toolCalls.length) {
                toolCalls = grow(toolCalls, ToolCallDelta::new);
            }
            ToolCallDelta d = toolCalls[toolCallCount++];
            d.reset();
            return d;
        }
    }

    /** A fragment of a tool call: only the first of a call carries its id and name. */
    static final class ToolCallDelta {
        /** Which call of the answer; some servers leave it out. */
        Integer index;
        /** The call's id. */
        String id;
        /** {@code function.name}: the tool's name. */
        String name;
        /** {@code function.arguments}: the next piece of the arguments' JSON text. */
        String arguments;

        void reset() {
            index = null;
            id = null;
            name = null;
            arguments = null;
        }
    }
}
