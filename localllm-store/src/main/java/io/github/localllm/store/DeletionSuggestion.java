package io.github.localllm.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A model {@link ModelLibrary#suggestDeletions} proposes to delete, and what that frees.
 *
 * @param model the model (always one the library owns)
 * @param reason why it is a good candidate
 * @param bytesFreed the bytes its deletion frees once the suggestions before it are deleted too: a
 *     Hugging Face blob shared with a model kept frees nothing, and is counted by the last of the
 *     suggestions that use it
 * @param supersededBy the model that replaces it (the same repository and file at the revision its
 *     branch now names, or a later import of the same file name), when there is one
 */
public record DeletionSuggestion(StoredModel model, Reason reason, long bytesFreed,
                                 Optional<StoredModel> supersededBy) {
    /** Rejects nulls and a negative size. */
    public DeletionSuggestion {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(supersededBy, "supersededBy");
        if (bytesFreed < 0) {
            throw new IllegalArgumentException("bytesFreed is at least 0, got " + bytesFreed);
        }
    }

    /** Why a model is suggested. */
    public enum Reason {
        /** Never loaded through the library since it was installed. */
        NEVER_USED,
        /** Used, but less recently than the models kept. */
        LEAST_RECENTLY_USED,
        /** A newer revision of the same file, or a later import of the same name, is in the library. */
        SUPERSEDED
    }
}
