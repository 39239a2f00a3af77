package io.github.localllm.backend.openai;

import tools.jackson.databind.JsonNode;

/**
 * The members of a streamed {@code chat.completion.chunk} or {@code text_completion} event that
 * the engine reads, as classes whose fields Jackson sets: cheaper per token than records or a
 * tree (see the benchmarks' StreamReaderBenchmark). Unknown members are ignored, and every
 * member may be missing or {@code null}, as servers differ.
 */
final class StreamChunk {
    /** Each choice; the engine asks for one. Empty or {@code null} on the usage chunk. */
    public Choice[] choices;
    /** Token counts: on the usage chunk ({@code stream_options.include_usage}), or on the last one. */
    public UsageFields usage;
    /** llama.cpp's timings, on the last event. */
    public Timings timings;
    /** A server's error after streaming began (vLLM, llama.cpp): the event ends the answer. */
    public JsonNode error;
    /** vLLM's older errors are unwrapped: {@code "object": "error"}. */
    public String object;

    /** One choice of a chunk. */
    static final class Choice {
        /** Which choice. */
        public Integer index;
        /** What a chat chunk adds. */
        public Delta delta;
        /** What a completions chunk adds. */
        public String text;
        /** Why the answer ended, on its last chunk; {@code null} before. */
        public String finish_reason;
        /** The log probabilities of this chunk's tokens, when asked for; read by {@link Logprobs}. */
        public JsonNode logprobs;
    }

    /** What a chat chunk adds to the message. */
    static final class Delta {
        /** Answer text. */
        public String content;
        /** Reasoning, as llama.cpp and DeepSeek send it. */
        public String reasoning_content;
        /** Reasoning, as Ollama and LM Studio send it for gpt-oss. */
        public String reasoning;
        /** Fragments of tool calls. */
        public ToolCallDelta[] tool_calls;
        /** The OpenAI API's refusal text, sent instead of content. */
        public String refusal;
    }

    /** A fragment of a tool call: only the first of a call carries its id and name. */
    static final class ToolCallDelta {
        /** Which call of the answer; some servers leave it out. */
        public Integer index;
        /** The call's id. */
        public String id;
        /** The function. */
        public FunctionDelta function;
    }

    /** A fragment of a call's function. */
    static final class FunctionDelta {
        /** The tool's name. */
        public String name;
        /** The next piece of the arguments' JSON text. */
        public String arguments;
    }

    /** Token counts. */
    static final class UsageFields {
        /** Tokens of the prompt. */
        public Integer prompt_tokens;
        /** Tokens generated. */
        public Integer completion_tokens;
    }
}
