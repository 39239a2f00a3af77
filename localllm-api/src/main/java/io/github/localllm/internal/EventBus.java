package io.github.localllm.internal;

import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to listeners; a failing listener never breaks the SDK or other listeners. */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final List<LocalLlmEventListener> listeners;

    /** @param listeners receivers, in order */
    public EventBus(List<LocalLlmEventListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** @param event what happened */
    public void publish(LocalLlmEvent event) {
        for (LocalLlmEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed on {}", listener, event.getClass().getSimpleName(), e);
            }
        }
    }
}
