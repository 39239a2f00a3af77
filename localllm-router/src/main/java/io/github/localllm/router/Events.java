package io.github.localllm.router;

import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers a router's events to its listeners, on the thread where they happen; a failing listener is logged. */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final String router;
    private final List<LocalLlmEventListener> listeners;
    private final Clock clock;

    Events(String router, List<LocalLlmEventListener> listeners, Clock clock) {
        this.router = router;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
    }

    /** @return whether anyone listens: events are not even built otherwise */
    boolean enabled() {
        return !listeners.isEmpty();
    }

    String router() {
        return router;
    }

    Instant now() {
        return clock.instant();
    }

    void publish(LocalLlmEvent event) {
        for (LocalLlmEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("router {}: event listener {} failed on {}", router, listener,
                        event.getClass().getSimpleName(), e);
            }
        }
    }
}
