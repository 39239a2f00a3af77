package io.github.localllm.registry;

import io.github.localllm.ModelNotFoundException;

/** A registry was asked for a file that the model repository does not have at the revision asked. Not retryable: fix the name. */
public class RepoFileNotFoundException extends ModelNotFoundException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public RepoFileNotFoundException(String message) {
        super(message);
    }
}
