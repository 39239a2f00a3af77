package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One downloadable GGUF file of a catalog model: the model at one quantization.
 *
 * @param quantization the llama.cpp quantization name, e.g. {@code Q4_K_M}, {@code Q8_0}, {@code F16}
 * @param fileName the file's path inside the model's Hugging Face repository
 * @param sizeBytes the file's size in bytes: published by the repository, or an estimate when
 *        {@code sizeApproximate} is set
 * @param sha256 the SHA-256 of the file's content as the repository publishes it (lower-case hex),
 *        empty when no published value was found
 * @param sizeApproximate whether {@code sizeBytes} is an estimate (parameters × bits per weight)
 *        rather than the published size; a download must then not be checked against it
 * @param revision the repository commit (40 lower-case hex digits) the size and hash were taken from, which
 *        a download must fetch, since a later commit may change the file; {@value #UNPINNED} only for a
 *        user catalog's file that names no commit (every bundled file is pinned)
 */
public record CatalogFile(String quantization, String fileName, long sizeBytes, Optional<String> sha256,
                          boolean sizeApproximate, String revision) {
    /** The revision of a file whose catalog names no commit: the repository's default branch. */
    public static final String UNPINNED = "main";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Checks no part is missing, the size is positive and the revision is a full commit or {@value #UNPINNED}. */
    public CatalogFile {
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(revision, "revision");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive: " + sizeBytes);
        }
        if (!revision.equals(UNPINNED) && !isCommit(revision)) {
            throw new IllegalArgumentException("revision must be a full commit (40 lower-case hex digits) or '"
                    + UNPINNED + "': " + revision);
        }
    }

    /**
     * @param text a revision
     * @return whether it is a full commit id: 40 lower-case hexadecimal digits
     */
    public static boolean isCommit(String text) {
        return text != null && COMMIT.matcher(text).matches();
    }

    /** @return whether {@link #revision()} is a commit, so the file's bytes cannot change under the same address */
    public boolean pinned() {
        return isCommit(revision);
    }

    @Override
    public String toString() {
        return fileName + " (" + quantization + ", " + (sizeApproximate ? "about " : "")
                + String.format(java.util.Locale.ROOT, "%.2f GB", sizeBytes / 1e9) + ")";
    }
}
