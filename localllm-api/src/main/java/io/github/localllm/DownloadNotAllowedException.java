package io.github.localllm;

/**
 * The model is not on this machine and fetching it needs the user's permission, which was not
 * given: the SDK never downloads gigabytes silently. The message says what would be downloaded,
 * how big it is, where it would go, and how to allow it ({@code allowDownloads(true)} on the
 * builder, or {@code models.download=true} in any configuration layer).
 */
public class DownloadNotAllowedException extends ModelNotFoundException {
    private static final long serialVersionUID = 1L;

    /** @param message what would be downloaded and how to allow it */
    public DownloadNotAllowedException(String message) {
        super(message);
    }

    /**
     * @param message what would be downloaded and how to allow it
     * @param cause why the size or place could not be told
     */
    public DownloadNotAllowedException(String message, Throwable cause) {
        super(message, cause);
    }
}
