package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * A piece of the answer as it is generated: answer text, thinking text, or part of a tool call.
 *
 * @param text the new answer text; empty when this chunk carries thinking or a tool call, and
 *        when a multi-byte character is still incomplete
 * @param index the position of this chunk in the stream, from 0
 * @param thinking the new reasoning text of a thinking model; usually empty
 * @param toolCall part of a tool call, or {@code null}
 * @param logprobs the log probabilities of the tokens of this chunk's text, when the request asked
 *        for them ({@link GenerationRequest#logprobs()}); empty otherwise
 */
public record GenerationChunk(String text, int index, String thinking, ToolCallPiece toolCall,
                              List<TokenLogprob> logprobs) {

    /** Checks the text is present. */
    public GenerationChunk {
        Objects.requireNonNull(text, "text");
        thinking = thinking == null ? "" : thinking;
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    /**
     * A chunk without log probabilities; kept so that code written before they existed still compiles.
     *
     * @param text the new answer text
     * @param index the chunk's position in the stream
     * @param thinking the new reasoning text
     * @param toolCall part of a tool call, or {@code null}
     */
    public GenerationChunk(String text, int index, String thinking, ToolCallPiece toolCall) {
        this(text, index, thinking, toolCall, List.of());
    }

    /**
     * A chunk of answer text.
     *
     * @param text the new text
     * @param index the chunk's position in the stream
     */
    public GenerationChunk(String text, int index) {
        this(text, index, "", null, List.of());
    }

    /**
     * A chunk of answer text with the log probabilities of its tokens.
     *
     * @param text the new text
     * @param index the chunk's position in the stream
     * @param logprobs its tokens' log probabilities
     */
    public GenerationChunk(String text, int index, List<TokenLogprob> logprobs) {
        this(text, index, "", null, logprobs);
    }

    /** @param thinking reasoning text @param index position @return a thinking chunk */
    public static GenerationChunk thinking(String thinking, int index) {
        return new GenerationChunk("", index, thinking, null, List.of());
    }

    /** @param piece part of a tool call @param index position @return a tool-call chunk */
    public static GenerationChunk toolCall(ToolCallPiece piece, int index) {
        return new GenerationChunk("", index, "", Objects.requireNonNull(piece, "piece"), List.of());
    }
}
