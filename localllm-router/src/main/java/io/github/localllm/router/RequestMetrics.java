package io.github.localllm.router;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one attempt of a router's request did, for {@link MetricsListener}s.
 *
 * @param router the router's name
 * @param target the target's name
 * @param provider the engine behind the target, as its model reports it (e.g. {@code ollama},
 *        {@code openai}); the target's name when the model does not say
 * @param model the model that answered, or the model the target runs when it failed
 * @param locality where the target runs
 * @param operation what was asked
 * @param outcome how the attempt ended
 * @param streamed whether it was a streamed request
 * @param fallback whether the target was not the router's first choice for the request
 * @param errorType for a failure: the exception's simple class name, e.g. {@code GenerationTimeoutException};
 *        empty otherwise
 * @param promptTokens prompt tokens, as the engine reported them; 0 when not known or failed
 * @param outputTokens generated tokens; 0 when not known or failed
 * @param duration from sending the request to the target to its end
 * @param timeToFirstToken time to the first token, when measured
 * @param cost what the answer cost (cloud price, or local energy estimate); 0 when not known
 */
public record RequestMetrics(String router, String target, String provider, String model, Locality locality,
                             Operation operation, Outcome outcome, boolean streamed, boolean fallback,
                             String errorType, long promptTokens, long outputTokens, Duration duration,
                             Optional<Duration> timeToFirstToken, double cost) {

    /** Checks no part is missing. */
    public RequestMetrics {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(locality, "locality");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        errorType = errorType == null ? "" : errorType;
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
    }

    /** What a request asked for, named as OpenTelemetry's {@code gen_ai.operation.name} names it. */
    public enum Operation {
        /** A chat request (messages). */
        CHAT("chat"),
        /** A completion of a raw prompt. */
        TEXT_COMPLETION("text_completion"),
        /** Embeddings. */
        EMBEDDINGS("embeddings");

        private final String otelName;

        Operation(String otelName) {
            this.otelName = otelName;
        }

        /** @return the OpenTelemetry name, e.g. {@code chat} */
        public String otelName() {
            return otelName;
        }
    }

    /** How an attempt ended. */
    public enum Outcome {
        /** The target answered. */
        ANSWERED,
        /** The target failed; the router may have moved on. */
        FAILED,
        /** The caller closed the stream before it ended. */
        CANCELLED
    }
}
