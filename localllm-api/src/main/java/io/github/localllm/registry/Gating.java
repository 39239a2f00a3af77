package io.github.localllm.registry;

/** Whether a model's files need the user to accept its terms first, and how access is granted. */
public enum Gating {
    /** Open to everyone. */
    NONE,
    /** Gated; access is granted at once when the user accepts the terms on the model's page. */
    AUTOMATIC,
    /** Gated; the authors review each request. */
    MANUAL;

    /** @return whether files need an access token of a user who accepted the terms */
    public boolean gated() {
        return this != NONE;
    }
}
