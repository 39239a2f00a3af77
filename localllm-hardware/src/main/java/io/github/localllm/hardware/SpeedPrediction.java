package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * How fast a plan is expected to generate, and why: the arithmetic of a token over the processor's
 * throughput for the weights' types, the bytes of a token over the memory bandwidth, the slower of the
 * two, corrected by a measurement on this machine when one was recorded for the same processor,
 * threads, engine build and quantization ({@link SpeedCalibrations}).
 *
 * @param tokensPerSecond the expected generation speed: {@code estimatedTokensPerSecond}, calibrated when
 *        a measurement applies
 * @param estimatedTokensPerSecond the speed model's own figure, before calibration
 * @param computeTokensPerSecond the bound from the CPU's arithmetic alone; infinite when no layer runs on it
 * @param bandwidthTokensPerSecond the bound from memory bandwidth alone
 * @param calibration the measurement the figure was corrected by, if any
 * @param basis the assumptions and measurements behind the figure, for people
 */
public record SpeedPrediction(double tokensPerSecond, double estimatedTokensPerSecond, double computeTokensPerSecond,
                              double bandwidthTokensPerSecond, Optional<SpeedSample> calibration, String basis) {

    /** What bounds generation. */
    public enum Limit {
        /** The processor's arithmetic. */
        COMPUTE,
        /** Reading the weights (and KV cache) from memory. */
        MEMORY_BANDWIDTH
    }

    /** Checks the parts. */
    public SpeedPrediction {
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(basis, "basis");
        if (!(tokensPerSecond > 0) || !(estimatedTokensPerSecond > 0) || !(computeTokensPerSecond > 0)
                || !(bandwidthTokensPerSecond > 0)) {
            throw new IllegalArgumentException("speeds must be positive");
        }
    }

    /** @return whether a measurement on this machine corrected the figure */
    public boolean calibrated() {
        return calibration.isPresent();
    }

    /** @return the bound that decided the estimate */
    public Limit limitedBy() {
        return computeTokensPerSecond < bandwidthTokensPerSecond ? Limit.COMPUTE : Limit.MEMORY_BANDWIDTH;
    }
}
