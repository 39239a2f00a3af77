package io.github.localllm.benchmarks;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.Usage;
import io.github.localllm.router.Router;
import io.github.localllm.router.RoutingStrategy;
import io.github.localllm.router.Target;
import io.github.localllm.spi.ChunkFeed;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the router itself costs (issue 11's goals: under 10 µs per request, and under 1 ms from a
 * target's failure to the first token of the fallback, the fallback's own latency excluded).
 *
 * <ul>
 *   <li>Overhead per request: {@code generateRouted} minus {@code generateDirect}, and
 *       {@code streamRouted} minus {@code streamDirect} (open, first chunk, whole result, close),
 *       on a seed target answering after {@code latencyMillis}: 0 is a target that answers at once,
 *       so the difference is the router's alone; 10 is the 10 ms seed target, where the
 *       same difference drowns in the sleep's own jitter. The router has three targets (prefer-local
 *       ranks them; capabilities are checked), and the answering one has a concurrency limit, so
 *       filtering, ranking, breaker, slot, decision and the result copy are all on the path.
 *       {@code generateRoutedWatched} is {@code generateRouted} at latency 0 with the local targets'
 *       engine saying which models it holds: the loaded flag and the refresh check on the path.</li>
 *   <li>Failover: the first target fails (it refuses to open, {@code failoverAtOpen}; or opens and
 *       fails before its first chunk, {@code failoverBeforeFirstChunk}, as a server that dies
 *       mid-request); the fallback answers at once. Each op is: open a routed stream, take the
 *       first chunk, close. Minus {@code fallbackAlone} (the same on the fallback directly) it is
 *       the time from the failure to the fallback's first token that the router adds. The failing
 *       target throws one prepared exception, so the JVM's stack-trace filling, the engine's own
 *       cost, is not counted.</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RouterBenchmark -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
// Long warm-up: on a busy machine the compiler was still at work after 6 s.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouterBenchmark {
    private static final GenerationRequest REQUEST = GenerationRequest.builder().system("Be brief.").user("Hello")
            .maxTokens(16).build();
    private static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder().tools(true).build();

    /** A router over a seed target that answers after a fixed latency. */
    @State(Scope.Benchmark)
    public static class Seed {
        @Param({"0", "10"})
        public int latencyMillis;

        LanguageModel target;
        Router router;

        @Setup
        public void setUp() {
            target = new SeedModel("seed", Duration.ofMillis(latencyMillis));
            router = Router.builder()
                    .target(Target.cloud("cloud", new SeedModel("cloud", Duration.ZERO)).capabilities(CAPABILITIES)
                            .build())
                    .target(Target.local("seed", target).capabilities(CAPABILITIES).maxConcurrent(64).build())
                    .target(Target.local("spare", new SeedModel("spare", Duration.ZERO)).capabilities(CAPABILITIES)
                            .build())
                    .strategy(RoutingStrategy.preferLocal())
                    .build();
        }
    }

    /**
     * The same router, but each local target's engine says which models it holds (as Ollama's
     * {@code /api/ps} does), so that prefer-local reads the loaded flag the router keeps per target and
     * each request checks whether the engine's answer is due for a refresh (it is not: the interval is
     * an hour, so what is measured is the request path alone).
     */
    @State(Scope.Benchmark)
    public static class Watched {
        Router router;

        @Setup
        public void setUp() {
            InferenceBackend engine = new ListingEngine();
            router = Router.builder()
                    .target(Target.cloud("cloud", new SeedModel("cloud", Duration.ZERO)).capabilities(CAPABILITIES)
                            .build())
                    .target(Target.local("seed", new SeedModel("seed", Duration.ZERO)).capabilities(CAPABILITIES)
                            .maxConcurrent(64).engine(engine).build())
                    .target(Target.local("spare", new SeedModel("spare", Duration.ZERO)).capabilities(CAPABILITIES)
                            .engine(engine).build())
                    .strategy(RoutingStrategy.preferLocal())
                    .loadedRefresh(Duration.ofHours(1))
                    .build();
        }
    }

    /** A router whose first target fails and whose second answers at once. */
    @State(Scope.Benchmark)
    public static class Failover {
        LanguageModel fallback;
        Router failsAtOpen;
        Router failsBeforeFirstChunk;

        @Setup
        public void setUp() {
            fallback = new SeedModel("fallback", Duration.ZERO);
            failsAtOpen = router(new FailingModel(false));
            failsBeforeFirstChunk = router(new FailingModel(true));
        }

        private Router router(LanguageModel failing) {
            // No retry of the same target and a breaker that never opens: every op fails over.
            return Router.builder()
                    .target(Target.local("failing", failing).capabilities(CAPABILITIES).build())
                    .target(Target.local("fallback", fallback).capabilities(CAPABILITIES).build())
                    .retries(0).circuitBreaker(Integer.MAX_VALUE, Duration.ofSeconds(1))
                    .build();
        }
    }

    @Benchmark
    public GenerationResult generateDirect(Seed s) {
        return s.target.generate(REQUEST);
    }

    @Benchmark
    public GenerationResult generateRouted(Seed s) {
        return s.router.generate(REQUEST);
    }

    @Benchmark
    public GenerationResult generateRoutedWatched(Watched w) {
        return w.router.generate(REQUEST);
    }

    @Benchmark
    public GenerationResult streamDirect(Seed s) {
        return firstChunkThenResult(s.target);
    }

    @Benchmark
    public GenerationResult streamRouted(Seed s) {
        return firstChunkThenResult(s.router);
    }

    @Benchmark
    public GenerationChunk fallbackAlone(Failover f) {
        return firstChunk(f.fallback);
    }

    @Benchmark
    public GenerationChunk failoverAtOpen(Failover f) {
        return firstChunk(f.failsAtOpen);
    }

    @Benchmark
    public GenerationChunk failoverBeforeFirstChunk(Failover f) {
        return firstChunk(f.failsBeforeFirstChunk);
    }

    private static GenerationResult firstChunkThenResult(LanguageModel model) {
        try (GenerationStream stream = model.stream(REQUEST)) {
            Iterator<GenerationChunk> chunks = stream.iterator();
            chunks.next();
            return stream.result();
        }
    }

    private static GenerationChunk firstChunk(LanguageModel model) {
        try (GenerationStream stream = model.stream(REQUEST)) {
            return stream.iterator().next();
        }
    }

    /** Answers "Hello" in two chunks after its latency, as an engine on {@link ChunkFeed} in pull mode. */
    static final class SeedModel implements LanguageModel {
        private final String name;
        private final long latencyNanos;
        private final GenerationResult whole;

        SeedModel(String name, Duration latency) {
            this.name = name;
            this.latencyNanos = latency.toNanos();
            this.whole = GenerationResult.builder().text("Hello").finishReason(FinishReason.STOP)
                    .usage(new Usage(5, 2)).metrics(new GenerationMetrics(Duration.ZERO, latency, latency, 0, 0))
                    .model(name).build();
        }

        private void pause() {
            if (latencyNanos > 0) {
                LockSupport.parkNanos(latencyNanos);
            }
        }

        @Override
        public GenerationResult generate(GenerationRequest request) {
            pause();
            return whole;
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            int[] step = {0};
            return ChunkFeed.builder(name).timeout(request.timeout()).pull(f -> {
                switch (step[0]++) {
                    case 0 -> {
                        pause();
                        return f.text("Hel");
                    }
                    case 1 -> {
                        return f.text("lo");
                    }
                    default -> {
                        f.finish(FinishReason.STOP, new Usage(5, 2));
                        return false;
                    }
                }
            }).build().stream();
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            throw new io.github.localllm.InvalidRequestException("the benchmark's target does not embed; only generation is measured");
        }
    }

    /** An engine that lists the seed targets' models as loaded, from memory. */
    static final class ListingEngine implements InferenceBackend {
        private static final List<LoadedModel> LOADED = List.of(LoadedModel.builder(ModelRef.name("seed")).build(),
                LoadedModel.builder(ModelRef.name("spare")).build());

        @Override
        public BackendInfo info() {
            return new BackendInfo("listing", "listing", "1");
        }

        @Override
        public ModelInstance load(ModelLoadRequest request) {
            throw new io.github.localllm.InvalidRequestException("the benchmark's engine loads nothing");
        }

        @Override
        public List<LoadedModel> loadedModels() {
            return LOADED;
        }

        @Override
        public void close() {
        }
    }

    /** A target whose server is down: it refuses at once, or accepts and fails before its first chunk. */
    static final class FailingModel implements LanguageModel {
        private static final BackendUnavailableException DOWN = new BackendUnavailableException(
                "could not connect to the server: connection refused");
        private final boolean afterOpen;

        FailingModel(boolean afterOpen) {
            this.afterOpen = afterOpen;
        }

        @Override
        public GenerationResult generate(GenerationRequest request) {
            throw DOWN;
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            if (!afterOpen) {
                throw DOWN;
            }
            return ChunkFeed.builder("failing").pull(f -> {
                f.fail(DOWN);
                return false;
            }).build().stream();
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            throw DOWN;
        }
    }
}
