package io.github.localllm.router;

/**
 * Receives one {@link RequestMetrics} per attempt a router sends to a target: answered, failed or
 * cancelled. Register it with {@link Router.Builder#metricsListener}; the optional module
 * {@code localllm-micrometer} has one that records OpenTelemetry GenAI metrics in Micrometer.
 *
 * <p>Called on the thread that ends the attempt (the caller's, or a stream's consumer), after the
 * attempt's slot is freed, so it should be quick; a listener that throws is logged and does not
 * affect the request. Without listeners no record is built.
 */
@FunctionalInterface
public interface MetricsListener {

    /** @param metrics what one attempt did */
    void onRequest(RequestMetrics metrics);
}
