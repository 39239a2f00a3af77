package io.github.localllm.hardware;

import java.time.Instant;
import java.util.Objects;

/**
 * One measured generation speed, with what the speed model predicted for the same load before it was
 * measured: their ratio corrects later predictions for the same {@link CalibrationKey}.
 *
 * @param key what the measurement is valid for
 * @param modelBytes the measured model file's size; a prediction uses the sample nearest its model's size
 * @param tokensPerSecond generation speed measured
 * @param predictedTokensPerSecond what the uncalibrated speed model expected for that model
 * @param source how it was measured, for people (e.g. "llama-server, 3 runs of 64 greedy tokens, best")
 * @param measuredAt when
 */
public record SpeedSample(CalibrationKey key, long modelBytes, double tokensPerSecond,
                          double predictedTokensPerSecond, String source, Instant measuredAt) {

    /** Checks the parts. */
    public SpeedSample {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(measuredAt, "measuredAt");
        if (modelBytes < 1) {
            throw new IllegalArgumentException("model size must be positive, got " + modelBytes);
        }
        if (!(tokensPerSecond > 0) || !(predictedTokensPerSecond > 0) || Double.isInfinite(tokensPerSecond)
                || Double.isInfinite(predictedTokensPerSecond)) {
            throw new IllegalArgumentException("speeds must be positive and finite, got " + tokensPerSecond
                    + " measured and " + predictedTokensPerSecond + " predicted");
        }
    }

    /** @return measured over predicted: what later predictions for this key are multiplied by */
    public double correction() {
        return tokensPerSecond / predictedTokensPerSecond;
    }
}
