package io.github.localllm.backend.llamaserver.internal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@code llama-server} executable whose {@code --version} was read.
 *
 * @param path the executable
 * @param build llama.cpp's build number, such as 10470
 * @param commit the commit it was built from, such as {@code 34af94cd9}, or empty
 * @param foundBy how it was found, for messages: {@code configuration}, {@code LLAMA_SERVER}, {@code engines directory}, {@code PATH}
 */
public record ServerBinary(Path path, int build, String commit, String foundBy) {

    /** Checks no part is missing. */
    public ServerBinary {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(foundBy, "foundBy");
    }

    /** @return the build as llama.cpp names its releases: {@code b10470} */
    public String buildName() {
        return "b" + build;
    }

    /** @return {@code b10470 (34af94cd9)}, or {@code b10470} without a commit */
    public String version() {
        return commit.isEmpty() ? buildName() : buildName() + " (" + commit + ")";
    }
}
