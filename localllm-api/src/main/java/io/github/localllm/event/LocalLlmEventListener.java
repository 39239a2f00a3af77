package io.github.localllm.event;

/**
 * Receives {@link LocalLlmEvent}s on the thread where they happen. Keep it quick; an
 * exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface LocalLlmEventListener {

    /** @param event what happened */
    void onEvent(LocalLlmEvent event);
}
