package io.github.localllm.http;

import io.github.localllm.GenerationException;

/**
 * A streamed answer broke its format: an NDJSON line that is not one JSON value, or a line or event
 * longer than the reader accepts. The message names the line and shows a short excerpt of it.
 */
public class MalformedStreamException extends GenerationException {
    private static final long serialVersionUID = 1L;

    /** The 1-based line at fault. */
    private final long lineNumber;

    /**
     * @param message what happened and what to do next
     * @param lineNumber the 1-based line of the stream at fault
     * @param cause the parser's error, or {@code null}
     */
    public MalformedStreamException(String message, long lineNumber, Throwable cause) {
        super(message, cause);
        this.lineNumber = lineNumber;
    }

    /** @return the 1-based line of the stream at fault */
    public long lineNumber() {
        return lineNumber;
    }
}
