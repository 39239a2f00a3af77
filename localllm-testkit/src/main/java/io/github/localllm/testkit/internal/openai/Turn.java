package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One chat completion to answer.
 *
 * @param id the completion id
 * @param model the model name to report
 * @param answer the scripted answer
 * @param calls the tool calls to send (empty unless the request offered tools)
 * @param callIds an id per tool call
 * @param includeUsage whether the stream ends with a usage chunk
 * @param created the request's time in Unix seconds (servers that pin {@code created})
 * @param clockSeconds the current time in Unix seconds (llama.cpp stamps each chunk)
 * @param logprobs alternatives per token the request asked for, or -1 for no log probabilities
 */
public record Turn(String id, String model, ScriptedAnswer answer, List<FakeToolCall> calls, List<String> callIds,
        boolean includeUsage, long created, LongSupplier clockSeconds, int logprobs) {

    /** {@code tool_calls} when the answer calls tools, else {@code stop} or {@code length}. */
    public String finishReason() {
        if (!calls.isEmpty()) {
            return "tool_calls";
        }
        return answer.stopReason() == StopReason.LENGTH ? "length" : "stop";
    }

    public int promptTokens() {
        return answer.promptTokens();
    }

    public int completionTokens() {
        return answer.completionTokens();
    }

    public int totalTokens() {
        return answer.promptTokens() + answer.completionTokens();
    }
}
