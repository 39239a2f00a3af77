package io.github.localllm.event;

import java.time.Instant;

/**
 * A model was closed and its memory released.
 *
 * @param time when
 * @param backend the engine that ran it
 * @param model its name
 */
public record ModelUnloaded(Instant time, String backend, String model) implements LocalLlmEvent {
}
