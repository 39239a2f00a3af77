package io.github.localllm.event;

import java.time.Instant;

/**
 * Something that happened in the SDK. Register a {@link LocalLlmEventListener} on
 * {@link io.github.localllm.LocalLlm.Builder#listener} to receive them; switch over the
 * permitted records to handle each kind.
 */
public sealed interface LocalLlmEvent permits ModelLoaded, ModelUnloaded, ModelPullProgress, GenerationCompleted,
        GenerationFailed, EngineInstallProgress {

    /** @return when it happened */
    Instant time();
}
