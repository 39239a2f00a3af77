package io.github.localllm.event;

import java.time.Instant;

/**
 * Something that happened in the SDK. Register a {@link LocalLlmEventListener} on
 * {@link io.github.localllm.LocalLlm.Builder#listener} (or on a router's builder, for its routing
 * decisions, fallbacks and circuit breakers) to receive them; switch over the permitted records to
 * handle each kind. Kinds are added over time: an exhaustive {@code switch} then needs a case, or a
 * {@code default}.
 */
public sealed interface LocalLlmEvent permits ModelLoaded, ModelUnloaded, ModelPullProgress, ModelDownloadProgress,
        GenerationCompleted, GenerationFailed, EngineInstallProgress, RequestRouted, FallbackTriggered,
        CircuitBreakerChanged, BudgetThresholdReached, ModelLoadProgress {

    /** @return when it happened */
    Instant time();
}
