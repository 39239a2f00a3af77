package io.github.localllm.router;

import io.github.localllm.GenerationException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.RoutingAttempt;
import java.util.List;

/**
 * A streamed answer broke off after the caller had part of it, and was not continued elsewhere:
 * the router is set to {@link StreamFailover#FAIL}, the answer cannot be continued (it had begun a
 * tool call, or its format is JSON or a grammar, which a second model cannot pick up mid-way), or no
 * other target could continue it. Thrown after the chunks already delivered, so that a cut answer
 * is never taken for a whole one; the cause is the target's own failure.
 */
public class IncompleteAnswerException extends GenerationException {
    private static final long serialVersionUID = 1L;

    private final String partialText;
    private final int chunks;
    private final transient List<RoutingAttempt> attempts;

    /**
     * @param message what happened and what to do next
     * @param partialText the answer text the caller received
     * @param chunks the chunks the caller received
     * @param attempts every target tried or passed over, in order
     * @param cause the failure that cut the answer
     */
    public IncompleteAnswerException(String message, String partialText, int chunks, List<RoutingAttempt> attempts,
                                     LocalLlmException cause) {
        super(message, cause);
        this.partialText = partialText;
        this.chunks = chunks;
        this.attempts = List.copyOf(attempts);
    }

    /** @return the answer text the caller received before the failure */
    public String partialText() {
        return partialText;
    }

    /** @return the chunks the caller received before the failure */
    public int chunks() {
        return chunks;
    }

    /** @return every target tried or passed over, in order */
    public List<RoutingAttempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    /** @return whether the whole request may succeed if sent again: as its cause says */
    @Override
    public boolean isRetryable() {
        return getCause() instanceof LocalLlmException e && e.isRetryable();
    }
}
