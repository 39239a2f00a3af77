package io.github.localllm.testkit;

/**
 * Why a scripted answer ends. Each fake spells it its own way: Ollama {@code done_reason}
 * {@code stop}/{@code length}, OpenAI {@code finish_reason} (which becomes {@code tool_calls}
 * when the answer calls tools), LM Studio v0 {@code stop_reason} {@code eosFound} /
 * {@code maxPredictedTokensReached}.
 */
public enum StopReason {
    /** The model ended its answer. */
    STOP,
    /** The token limit cut the answer. */
    LENGTH
}
