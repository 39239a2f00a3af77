package io.github.localllm.registry;

import io.github.localllm.ModelNotFoundException;

/**
 * A gated model's files were asked for without an access token, or with the token of a user who has
 * not been granted access. The message says which, and how to get access. Not retryable as it is.
 */
public class GatedModelException extends ModelNotFoundException {
    private static final long serialVersionUID = 1L;
    private final boolean tokenSent;

    /**
     * @param message what happened and what to do next
     * @param tokenSent whether a token was sent (and refused)
     */
    public GatedModelException(String message, boolean tokenSent) {
        super(message);
        this.tokenSent = tokenSent;
    }

    /** @return whether a token was sent and refused; false when none was given */
    public boolean tokenSent() {
        return tokenSent;
    }
}
