package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a {@code llama-server} started with {@code --metrics} counts, from {@code GET /metrics}
 * (Prometheus text; fixtures 23-GET-metrics.http and 23c-GET-metrics-busy.http, build b10470).
 * Totals count since the server started.
 *
 * @param promptTokens {@code llamacpp:prompt_tokens_total}, prompt tokens processed (cached ones excluded)
 * @param predictedTokens {@code llamacpp:tokens_predicted_total}, tokens generated
 * @param promptSeconds {@code llamacpp:prompt_seconds_total}, time spent on prompts
 * @param predictedSeconds {@code llamacpp:tokens_predicted_seconds_total}, time spent generating
 * @param promptTokensPerSecond {@code llamacpp:prompt_tokens_seconds}, average prompt throughput
 * @param predictedTokensPerSecond {@code llamacpp:predicted_tokens_seconds}, average generation throughput
 * @param requestsProcessing {@code llamacpp:requests_processing}, requests in a slot now
 * @param requestsDeferred {@code llamacpp:requests_deferred}, requests waiting for a slot
 * @param maxSequenceTokens {@code llamacpp:n_tokens_max}, the longest sequence (prompt and answer) seen, or 0
 * @param kvCacheUsage {@code llamacpp:kv_cache_usage_ratio}, the share of the attention cache in use,
 *        from 0 to 1; builds since late 2025 (b10470 among them) no longer report it
 * @param samples every sample the server sent, under its name and labels, for what has no field here
 */
public record ServerMetrics(long promptTokens, long predictedTokens, double promptSeconds, double predictedSeconds,
                            double promptTokensPerSecond, double predictedTokensPerSecond, int requestsProcessing,
                            int requestsDeferred, long maxSequenceTokens, OptionalDouble kvCacheUsage,
                            Map<String, Double> samples) {

    /** Copies the samples so the record stays immutable. */
    public ServerMetrics {
        kvCacheUsage = kvCacheUsage == null ? OptionalDouble.empty() : kvCacheUsage;
        samples = Map.copyOf(samples);
    }

    /**
     * @param text the answer of {@code GET /metrics}
     * @param where the server, for messages
     * @return the metrics
     * @throws GenerationException when the text is not Prometheus metrics, or lacks llama.cpp's counters
     */
    static ServerMetrics parse(String text, String where) {
        Map<String, Double> s = PrometheusText.parse(text, where);
        Double kv = s.get("llamacpp:kv_cache_usage_ratio");
        return new ServerMetrics((long) required(s, "llamacpp:prompt_tokens_total", where),
                (long) required(s, "llamacpp:tokens_predicted_total", where),
                s.getOrDefault("llamacpp:prompt_seconds_total", 0.0),
                s.getOrDefault("llamacpp:tokens_predicted_seconds_total", 0.0),
                s.getOrDefault("llamacpp:prompt_tokens_seconds", 0.0),
                s.getOrDefault("llamacpp:predicted_tokens_seconds", 0.0),
                (int) required(s, "llamacpp:requests_processing", where),
                (int) required(s, "llamacpp:requests_deferred", where),
                s.getOrDefault("llamacpp:n_tokens_max", 0.0).longValue(),
                kv == null ? OptionalDouble.empty() : OptionalDouble.of(kv), s);
    }

    private static double required(Map<String, Double> samples, String name, String where) {
        Double v = samples.get(name);
        if (v == null) {
            throw new GenerationException(where + " answered GET /metrics without " + name + " (it sent "
                    + samples.size() + " samples); is it a llama-server?");
        }
        return v;
    }
}
