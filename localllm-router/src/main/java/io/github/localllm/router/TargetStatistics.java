package io.github.localllm.router;

import java.util.Objects;

/**
 * What a router measured of one target and model since it was built ({@link Router#statistics()}).
 * Attempts are counted where they went: a request that failed on one target and was answered by
 * the next is a failure of the first and an answer (a fallback) of the second.
 *
 * @param target the target's name
 * @param model the model that answered (for failures: the model the target runs)
 * @param locality where the target runs
 * @param requests attempts sent to it: answers, failures and cancelled attempts
 * @param answers attempts it answered
 * @param failures attempts that failed
 * @param fallbacks answers it gave as a fallback, after the first-ranked target was passed over or failed
 * @param promptTokens prompt tokens of its answers, as the engine reported them
 * @param outputTokens generated tokens of its answers
 * @param cost what its answers cost: the cloud price, or the local energy estimate; 0 when neither is known
 * @param totalTime durations of its answers, from sending the request to the last token
 * @param timeToFirstToken times to the first token of its answers, where measured
 */
public record TargetStatistics(String target, String model, Locality locality, long requests, long answers,
                               long failures, long fallbacks, long promptTokens, long outputTokens, double cost,
                               LatencyPercentiles totalTime, LatencyPercentiles timeToFirstToken) {

    /** Checks no part is missing. */
    public TargetStatistics {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(locality, "locality");
        Objects.requireNonNull(totalTime, "totalTime");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    }
}
