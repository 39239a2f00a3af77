package io.github.localllm.backend.llamaserver;

import io.github.localllm.LocalLlmException;
import java.util.Objects;

/**
 * Installing a {@code llama-server} build failed; {@link #reason()} says how, the message what to
 * do next. Nothing half-installed is left behind: an engine directory exists complete or not at
 * all. A failed download keeps its partial file, so that the next attempt resumes it. A full disk
 * or a directory that cannot be written is a {@link io.github.localllm.StorageException} instead.
 */
public class EngineInstallException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    /** How an installation failed. */
    public enum Reason {
        /** llama.cpp publishes no archive of the pinned build for the platform asked for. */
        UNSUPPORTED_PLATFORM(false),
        /** The release has no such asset at the download address (HTTP 404 or 410). */
        ASSET_NOT_FOUND(false),
        /** The download failed or broke off (network, timeout, server error); trying again resumes it. */
        DOWNLOAD_FAILED(true),
        /** The published digest could not be read from GitHub's release API (unreachable, rate limit). */
        DIGEST_UNAVAILABLE(true),
        /** The release publishes no SHA-256 digest for the asset, so it cannot be verified. */
        NO_DIGEST(false),
        /** The downloaded archive's size or SHA-256 differs from the published one. */
        DIGEST_MISMATCH(false),
        /** The archive holds an entry that would land outside its directory, or a device, FIFO or the like. */
        UNSAFE_ARCHIVE(false),
        /** The archive is damaged, too large, or lacks the server executable. */
        MALFORMED_ARCHIVE(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Reason reason;

    /**
     * @param reason how it failed
     * @param message what happened and what to do next
     */
    public EngineInstallException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param reason how it failed
     * @param message what happened and what to do next
     * @param cause the underlying failure
     */
    public EngineInstallException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return how the installation failed */
    public Reason reason() {
        return reason;
    }

    /** @return {@code true} for a failed download or digest lookup, which the next attempt may get past */
    @Override
    public boolean isRetryable() {
        return reason.retryable;
    }
}
