package io.github.localllm.registry;

import io.github.localllm.ModelNotFoundException;

/** A registry was asked for a branch, tag or commit that the model repository does not have. Not retryable: fix the name. */
public class RevisionNotFoundException extends ModelNotFoundException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public RevisionNotFoundException(String message) {
        super(message);
    }
}
