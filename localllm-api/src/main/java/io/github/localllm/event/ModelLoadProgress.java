package io.github.localllm.event;

import java.time.Instant;

/**
 * Progress while an engine loads a model, as the engine reports it: the stage it reached, such as
 * {@code reading weights} or {@code ready}, and the share done where the engine can tell. Delivered
 * to the listener of the load request ({@link io.github.localllm.spi.ModelLoadRequest#listener()}),
 * before {@link ModelLoaded}; an engine that loads in one step sends none.
 *
 * @param time when
 * @param backend the engine loading it
 * @param model the model, by the name the engine gives it
 * @param stage what the engine has just begun, in its words
 * @param fraction the share of the load done, 0 to 1, or {@code -1} when the engine does not tell
 */
public record ModelLoadProgress(Instant time, String backend, String model, String stage, double fraction)
        implements LocalLlmEvent {

    /** Checks the share: 0 to 1, or {@code -1}. */
    public ModelLoadProgress {
        if (fraction != -1 && !(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, or -1 for unknown, was " + fraction);
        }
    }
}
