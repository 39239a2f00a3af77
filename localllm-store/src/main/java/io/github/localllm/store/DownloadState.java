package io.github.localllm.store;

/** Where a download stands. */
public enum DownloadState {
    /** Waiting for a free slot in the downloader's queue. */
    QUEUED,
    /** Fetching bytes. */
    RUNNING,
    /** Stopped on request; the partial file and its record are kept, {@link DownloadHandle#resume()} goes on. */
    PAUSED,
    /** Checking the hash and the GGUF header before the move into place. */
    VERIFYING,
    /** Verified and in place. */
    DONE,
    /** Failed; the partial file is kept only if the download can be resumed. */
    FAILED,
    /** Cancelled; the partial file was deleted. */
    CANCELLED;

    /** @return whether the download has ended for good */
    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
