package io.github.localllm;

import java.util.Objects;

/**
 * A piece of text as it is generated.
 *
 * @param text the new text; may be empty when a multi-byte character is still incomplete
 * @param index the position of this chunk in the stream, from 0
 */
public record GenerationChunk(String text, int index) {

    /** Checks the text is present. */
    public GenerationChunk {
        Objects.requireNonNull(text, "text");
    }
}
