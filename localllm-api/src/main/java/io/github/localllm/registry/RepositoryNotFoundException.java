package io.github.localllm.registry;

import io.github.localllm.ModelNotFoundException;

/** A registry was asked for a model repository that the registry does not have (or that is private and no token with access was given). Not retryable: fix the name. */
public class RepositoryNotFoundException extends ModelNotFoundException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to do next */
    public RepositoryNotFoundException(String message) {
        super(message);
    }
}
