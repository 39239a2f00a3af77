package io.github.localllm.router;

/** Where a target runs, which decides where private requests may go. */
public enum Locality {
    /** On this machine or the user's own network: a request marked local-only may go there. */
    LOCAL,
    /** A hosted API: never sent a request marked local-only. */
    CLOUD
}
