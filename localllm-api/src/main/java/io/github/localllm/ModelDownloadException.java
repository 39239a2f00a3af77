package io.github.localllm;

/**
 * Model bytes could not be fetched from a remote server: it could not be reached, timed out,
 * answered with a server error or a rate limit, broke off mid-transfer, or does not serve byte
 * ranges. Nothing local was changed; the same call can be retried.
 */
public class ModelDownloadException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public ModelDownloadException(String message) {
        super(message);
    }

    /**
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
