package io.github.localllm.backend.llamaserver;

import io.github.localllm.BackendUnavailableException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * No usable {@code llama-server} binary: none was found, the one named cannot be run, it is another
 * program, or its build is older than this SDK supports. The message says where the SDK looked and
 * what to do; {@link #reason()} says which case it is. Not retryable: the same attempt fails the
 * same way until the machine changes.
 */
public final class LlamaServerBinaryException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the binary. */
    public enum Reason {
        /** No binary where the configuration points, nor in any place searched. */
        NOT_FOUND,
        /** The file exists but cannot be executed (permissions, another platform's binary). */
        NOT_EXECUTABLE,
        /** It runs, but {@code --version} does not answer as llama.cpp's server does. */
        NOT_LLAMA_SERVER,
        /** A llama-server whose build is older than {@link LlamaServerBackendProvider#MINIMUM_BUILD}. */
        TOO_OLD
    }

    private final Reason reason;
    private final transient Path path;

    /**
     * @param reason which case this is
     * @param path the binary concerned, or {@code null} when none was found
     * @param message what happened and what to do next
     */
    public LlamaServerBinaryException(Reason reason, Path path, String message) {
        super(message);
        this.reason = reason;
        this.path = path;
    }

    /** @return which case this is */
    public Reason reason() {
        return reason;
    }

    /** @return the binary concerned; empty when none was found */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** @return {@code false}: a missing or wrong binary stays so until someone changes the machine */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
