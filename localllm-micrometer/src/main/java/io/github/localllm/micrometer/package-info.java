/**
 * {@link io.github.localllm.micrometer.GenAiMetrics}: a {@link io.github.localllm.router.MetricsListener}
 * that records a router's attempts in a Micrometer {@link io.micrometer.core.instrument.MeterRegistry}
 * as OpenTelemetry GenAI client metrics.
 */
package io.github.localllm.micrometer;
