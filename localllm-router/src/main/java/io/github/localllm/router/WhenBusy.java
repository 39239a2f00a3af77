package io.github.localllm.router;

/**
 * What a router does when the target it chose already runs its {@link Target#maxConcurrent()}
 * requests and its queue ({@link Target#maxQueued()}) is full, or a request waited in it longer than
 * {@link Router.Builder#maxQueueWait}.
 */
public enum WhenBusy {
    /** Try the next target in the ranking; if every target is busy, fail with {@link NoTargetAvailableException}. */
    NEXT_TARGET,
    /** Fail at once with {@link TargetBusyException}. */
    REJECT
}
