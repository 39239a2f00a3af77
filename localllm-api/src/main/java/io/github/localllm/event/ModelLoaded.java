package io.github.localllm.event;

import io.github.localllm.ModelInfo;
import java.time.Instant;

/**
 * A model finished loading.
 *
 * @param time when
 * @param model what was loaded, with its effective settings and load time
 */
public record ModelLoaded(Instant time, ModelInfo model) implements LocalLlmEvent {
}
