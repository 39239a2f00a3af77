package io.github.localllm.hardware;

import java.util.Objects;

/**
 * Something a user should know about a plan.
 *
 * @param kind what kind of problem
 * @param message what it means and what to do
 */
public record FitWarning(Kind kind, String message) {

    /** Checks both parts are given. */
    public FitWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** Kinds of warning. */
    public enum Kind {
        /** Not enough system RAM. */
        INSUFFICIENT_RAM,
        /** Not enough GPU memory for every layer. */
        INSUFFICIENT_VRAM,
        /** No GPU the engine can use. */
        NO_GPU_ACCELERATION,
        /** The CPU lacks an instruction set the engine's native code needs. */
        MISSING_INSTRUCTION_SET,
        /** The context was reduced below the target to fit. */
        CONTEXT_LIMITED,
        /** The KV cache was quantized to fit, which needs flash attention. */
        KV_CACHE_QUANTIZED,
        /** The engine does not know the model's architecture. */
        UNSUPPORTED_ARCHITECTURE,
        /** A hardware value the plan needs is unknown. */
        UNKNOWN_HARDWARE
    }
}
