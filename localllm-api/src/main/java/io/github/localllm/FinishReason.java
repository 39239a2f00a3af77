package io.github.localllm;

/** Why generation ended. */
public enum FinishReason {
    /** The model ended its answer or a stop sequence matched. */
    STOP,
    /** The token limit or the end of the context was reached. */
    LENGTH,
    /** The model asked to call tools; see {@link GenerationResult#toolCalls()}. */
    TOOL_CALLS,
    /** The caller closed the stream or cancelled the future. */
    CANCELLED,
    /** The engine failed part way; the text holds what came before the failure. */
    ERROR
}
