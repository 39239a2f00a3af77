package io.github.localllm.micrometer;

import io.github.localllm.router.Locality;
import io.github.localllm.router.MetricsListener;
import io.github.localllm.router.RequestMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records a router's attempts in Micrometer under the names of the OpenTelemetry semantic
 * conventions for generative AI client metrics
 * (<a href="https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-metrics.md">gen-ai-metrics.md</a>,
 * status "development"):
 *
 * <ul>
 *   <li>{@value #TOKEN_USAGE}: a distribution of tokens per answer, in {@code {token}}, tagged
 *       {@code gen_ai.token.type} {@code input} or {@code output}; recorded for answers whose
 *       engine reported its tokens, with the convention's bucket boundaries (1, 4, 16 ... 67108864);</li>
 *   <li>{@value #OPERATION_DURATION}: a timer of every attempt, answered or not, with
 *       {@code error.type} (the exception's simple class name) on failures, empty otherwise, and the convention's
 *       bucket boundaries (0.01 s ... 81.92 s);</li>
 *   <li>{@value #TIME_TO_FIRST_CHUNK}: a timer of the time to the first chunk of streamed answers
 *       only, as the convention asks (the client-side counterpart of
 *       {@code gen_ai.server.time_to_first_token}, which model servers report themselves).</li>
 * </ul>
 *
 * Every meter has the convention's attributes {@code gen_ai.operation.name} ({@code chat},
 * {@code text_completion}, {@code embeddings}), {@code gen_ai.provider.name} (the engine behind the
 * target, e.g. {@code ollama}, {@code openai}), {@code gen_ai.request.model} and
 * {@code gen_ai.response.model} (the model the target runs or answered with), and the router's own
 * {@code localllm.router}, {@code localllm.target}, {@code localllm.locality} ({@code local} or
 * {@code cloud}) and {@code localllm.outcome} ({@code answered}, {@code failed}, {@code cancelled}).
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .target(...)
 *         .metricsListener(GenAiMetrics.of(meterRegistry))
 *         .build();
 * }</pre>
 *
 * Meters are made once per distinct set of tags and kept; recording an attempt then costs a map
 * lookup and the registry's own work.
 */
public final class GenAiMetrics implements MetricsListener {
    /** Tokens per answer. */
    public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    /** Duration of an attempt. */
    public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    /** Time to the first chunk of a streamed answer. */
    public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
        4194304, 16777216, 67108864};
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

    private GenAiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param registry where the meters go
     * @return a listener to register with {@link io.github.localllm.router.Router.Builder#metricsListener}
     */
    public static GenAiMetrics of(MeterRegistry registry) {
        return new GenAiMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void onRequest(RequestMetrics m) {
        Key key = new Key(m.router(), m.target(), m.provider(), m.model(), m.locality(), m.operation(), m.outcome(),
                m.errorType());
        Meters meter = meters.computeIfAbsent(key, this::register);
        meter.duration.record(m.duration());
        if (m.outcome() != RequestMetrics.Outcome.FAILED) {
            if (m.promptTokens() > 0) {
                meter.input.record(m.promptTokens());
            }
            if (m.outputTokens() > 0) {
                meter.output.record(m.outputTokens());
            }
            if (m.streamed() && m.timeToFirstToken().isPresent()) {
                meter.firstChunk.record(m.timeToFirstToken().get());
            }
        }
    }

    private Meters register(Key k) {
        Tags tags = Tags.of(
                "gen_ai.operation.name", k.operation.otelName(),
                "gen_ai.provider.name", k.provider,
                "gen_ai.request.model", k.model,
                "gen_ai.response.model", k.model,
                "localllm.router", k.router,
                "localllm.target", k.target,
                "localllm.locality", k.locality.name().toLowerCase(Locale.ROOT),
                "localllm.outcome", k.outcome.name().toLowerCase(Locale.ROOT));
        // error.type is on every duration, empty for success: registries such as Prometheus want one set
        // of tag keys per name, and Prometheus reads an empty label as an absent one.
        Timer duration = Timer.builder(OPERATION_DURATION).description("GenAI operation duration.")
                .tags(tags.and("error.type", k.errorType)).serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        if (k.outcome == RequestMetrics.Outcome.FAILED) {
            return new Meters(duration, null, null, null);
        }
        DistributionSummary input = tokens(tags, "input");
        DistributionSummary output = tokens(tags, "output");
        Timer firstChunk = Timer.builder(TIME_TO_FIRST_CHUNK)
                .description("Time to receive the first chunk of a streamed answer.")
                .tags(tags).serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        return new Meters(duration, input, output, firstChunk);
    }

    private DistributionSummary tokens(Tags tags, String type) {
        return DistributionSummary.builder(TOKEN_USAGE).description("Number of input and output tokens used.")
                .baseUnit("{token}").tags(tags.and("gen_ai.token.type", type))
                .serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
        }
        return d;
    }

    private record Key(String router, String target, String provider, String model, Locality locality,
                       RequestMetrics.Operation operation, RequestMetrics.Outcome outcome, String errorType) {
    }

    private record Meters(Timer duration, DistributionSummary input, DistributionSummary output, Timer firstChunk) {
    }
}
