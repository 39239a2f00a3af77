package io.github.localllm;

/**
 * Reading or writing local storage failed: a full disk, missing permissions, a directory
 * that does not exist. Nothing half-written is left in place of the target.
 */
public class StorageException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and what to do next
     * @param cause the underlying I/O failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
