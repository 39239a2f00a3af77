package io.github.localllm.event;

import io.github.localllm.GenerationResult;
import java.time.Instant;

/**
 * A generation ended, normally, at its limit or cancelled.
 *
 * @param time when
 * @param result the answer with its usage and metrics
 */
public record GenerationCompleted(Instant time, GenerationResult result) implements LocalLlmEvent {
}
