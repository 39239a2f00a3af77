package io.github.localllm.store;

import io.github.localllm.ModelDownloadException;

/**
 * A downloaded file is not the published one: its SHA-256 (or size) differs. It was deleted, partial
 * file and record included, and nothing was installed; downloading again starts from scratch.
 */
public class ChecksumMismatchException extends ModelDownloadException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    /**
     * @param message what happened and what to do next
     * @param expected the published value
     * @param actual the value of the bytes received
     */
    public ChecksumMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the published value */
    public String expected() {
        return expected;
    }

    /** @return the value of the bytes received */
    public String actual() {
        return actual;
    }
}
