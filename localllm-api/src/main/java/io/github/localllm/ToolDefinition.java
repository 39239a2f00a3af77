package io.github.localllm;

import io.github.localllm.internal.Json;
import java.util.Map;

/**
 * A function the model may call. The model answers with {@link ToolCall}s naming it; the caller
 * runs the function and sends each output back with {@link ChatMessage#toolResult}.
 *
 * @param name what the model calls it: letters, digits, {@code _} and {@code -}, at most 64 characters
 * @param description what it does and when to use it; the model reads this
 * @param parameters a JSON Schema object for its arguments
 */
public record ToolDefinition(String name, String description, String parameters) {
    private static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    /** Checks the name and that the parameters are a JSON object. */
    public ToolDefinition {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidRequestException("tool name '" + name + "' is not 1 to 64 letters, digits, '_' or '-';"
                    + " rename it, e.g. get_weather");
        }
        description = description == null ? "" : description;
        parameters = parameters == null || parameters.isBlank() ? NO_PARAMETERS : parameters;
        Object parsed;
        try {
            parsed = Json.parse(parameters);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the parameters of tool '" + name + "' are not valid JSON ("
                    + e.getMessage() + "); give a JSON Schema object", e);
        }
        if (!(parsed instanceof Map)) {
            throw new InvalidRequestException("the parameters of tool '" + name + "' must be a JSON Schema object"
                    + " such as {\"type\":\"object\",\"properties\":{...}}");
        }
    }

    /**
     * @param name the function's name
     * @param description what it does
     * @param parameters a JSON Schema object for its arguments
     * @return the definition
     */
    public static ToolDefinition of(String name, String description, String parameters) {
        return new ToolDefinition(name, description, parameters);
    }
}
