package io.github.localllm;

/**
 * The model asking to call a {@link ToolDefinition}.
 *
 * @param id the call's id, to quote in the {@link ChatMessage#toolResult} that answers it; engines
 *        whose servers give none make one up ({@code call_0}, {@code call_1}, ...)
 * @param name the tool's name
 * @param arguments the arguments as a JSON object text, exactly as the model wrote them (it may not
 *        match the tool's schema: check before running anything)
 */
public record ToolCall(String id, String name, String arguments) {

    /** Checks the parts are present. */
    public ToolCall {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a tool call needs an id");
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tool call needs the tool's name");
        }
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }
}
