package io.github.localllm;

/**
 * Part of a {@link ToolCall} as it streams. Servers send a call's id and name first and its
 * arguments in fragments; join the pieces of one {@link #position()} to get the call, or read the
 * joined calls from {@link GenerationResult#toolCalls()} at the end.
 *
 * @param position which call of the answer this belongs to, from 0
 * @param id the call's id, or {@code null} when this piece does not carry it
 * @param name the tool's name, or {@code null} when this piece does not carry it
 * @param arguments the next fragment of the arguments' JSON text; may be empty
 */
public record ToolCallPiece(int position, String id, String name, String arguments) {

    /** Checks the position. */
    public ToolCallPiece {
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative");
        }
        arguments = arguments == null ? "" : arguments;
    }

    /**
     * @param position which call of the answer it is
     * @param call a whole call, for engines whose servers send calls whole
     * @return a piece carrying all of it
     */
    public static ToolCallPiece whole(int position, ToolCall call) {
        return new ToolCallPiece(position, call.id(), call.name(), call.arguments());
    }
}
