package io.github.localllm.testkit.internal.json;

/** A request body (or a tool call's arguments) that is not valid JSON. */
public final class JsonSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    JsonSyntaxException(String message, int offset) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    /** Where in the text the parser stopped. */
    public int offset() {
        return offset;
    }
}
