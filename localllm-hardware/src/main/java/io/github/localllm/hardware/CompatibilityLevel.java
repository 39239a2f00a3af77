package io.github.localllm.hardware;

/**
 * How well a model fits a machine, from the memory left free once it is loaded (headroom: the share
 * of the tightest memory pool in use, RAM or a GPU's VRAM, that stays free). The thresholds leave room
 * for what else runs: an OS and a browser take several GB, and prompts grow the resident compute buffer.
 */
public enum CompatibilityLevel {
    /**
     * At least 40% headroom at the target context with an f16 cache: room for other work and a longer
     * context. A hybrid plan is at best {@link #COMFORTABLE}: its CPU layers run several times slower.
     */
    OPTIMAL,
    /** 20–40% headroom at the target context: fine alongside ordinary desktop use. */
    COMFORTABLE,
    /** 10–20% headroom, or the target context only fits with a quantized cache or a shorter context. */
    CONSTRAINED,
    /** Under 10% headroom: it loads, but another application can push it into swap or out of memory. */
    MARGINAL,
    /** It cannot run: not enough memory even at the smallest context, or the engine cannot run the model here. */
    INCOMPATIBLE,
    /** The memory the decision rests on could not be read; nothing is assumed. */
    UNKNOWN
}
