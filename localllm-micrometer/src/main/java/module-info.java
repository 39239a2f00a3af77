/**
 * A router's metrics in Micrometer under the OpenTelemetry GenAI semantic-convention names. See
 * {@link io.github.localllm.micrometer.GenAiMetrics}.
 */
module io.github.localllm.micrometer {
    requires transitive io.github.localllm.router;
    requires transitive micrometer.core;

    exports io.github.localllm.micrometer;
}
