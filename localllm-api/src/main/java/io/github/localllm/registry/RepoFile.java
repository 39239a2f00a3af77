package io.github.localllm.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * A file of a model repository.
 *
 * @param path its path in the repository, e.g. {@code qwen2.5-0.5b-instruct-q4_k_m.gguf}
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its content (lower-case hex) when the registry publishes it, as it does for
 *        large (LFS) files
 */
public record RepoFile(String path, long size, Optional<String> sha256) {

    /** Checks the parts. */
    public RepoFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("a file's size is not negative: " + size);
        }
    }

    /** @return the file name, without the folders */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
