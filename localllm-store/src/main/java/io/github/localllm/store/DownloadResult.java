package io.github.localllm.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified file in place.
 *
 * @param file where it is
 * @param size its size in bytes
 * @param sha256 its SHA-256 in lower-case hex, as computed while it was downloaded
 * @param verifiedAgainst what the hash was compared with: {@code request}, {@code x-linked-etag}, or
 *     {@code none} when nothing was published (then only its size was checked)
 * @param commit the Hub's commit ({@code X-Repo-Commit}) the file came from, if the server said
 * @param transferredBytes bytes fetched by this call (less than {@code size} after a resume)
 * @param took how long this call took
 */
public record DownloadResult(Path file, long size, String sha256, String verifiedAgainst, Optional<String> commit,
                             long transferredBytes, Duration took) {
    /** Rejects nulls. */
    public DownloadResult {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(verifiedAgainst, "verifiedAgainst");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(took, "took");
    }
}
