package io.github.localllm.event;

import io.github.localllm.LocalLlmException;
import java.time.Instant;

/**
 * A generation failed.
 *
 * @param time when
 * @param model the model asked
 * @param error why
 */
public record GenerationFailed(Instant time, String model, LocalLlmException error) implements LocalLlmEvent {
}
