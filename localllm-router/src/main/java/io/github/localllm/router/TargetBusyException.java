package io.github.localllm.router;

import io.github.localllm.BackendUnavailableException;

/**
 * The target a router chose runs as many requests as it may and its queue is full (or a request
 * waited in it too long), and the router is set to reject rather than move on ({@link WhenBusy#REJECT}).
 */
public class TargetBusyException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String target;

    /**
     * @param message what happened and what to do next
     * @param target the busy target's name
     */
    public TargetBusyException(String message, String target) {
        super(message);
        this.target = target;
    }

    /** @return the busy target's name */
    public String target() {
        return target;
    }
}
