package io.github.localllm.benchmarks;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.backend.llamacpp.LlamaCppBackend;
import io.github.localllm.backend.llamaserver.LlamaServerOptions;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The managed llama-server engine against the same server without the SDK and against the in-process
 * engine: same file, 2 threads, context 512, one slot, 64 greedy tokens from a raw prompt. Each fork
 * loads one side only:
 *
 * <ul>
 *   <li>{@code serverSdk*}: the SDK through the {@code llamaserver} engine ({@code LoadOptions} context 512,
 *       threads 2, {@code LlamaServerOptions} parallel 1).</li>
 *   <li>{@code serverHttp*}: the same server driven by the JDK's {@link java.net.http.HttpClient}. The engine
 *       does not publish its server's address, so setup loads the file through the engine, reads its
 *       child's command line from the system, closes it, and starts {@code llama-server} with exactly
 *       that command line (a new port and API key). The body is the one the engine sends to
 *       {@code /v1/completions} (greedy, {@code max_tokens} 64, usage asked for; the prompt cache is the
 *       server's default, on, as for the engine). Its setup also runs {@code llama-bench} on the file:
 *       the ceiling, printed.</li>
 *   <li>{@code inProcess*}: the in-process engine ({@code localllm-backend-llamacpp}, llama.cpp b4916)
 *       with context 512 and 2 threads.</li>
 * </ul>
 *
 * {@code *Generate64} is the whole answer (tokens/s = 64000 / score in ms); {@code *TimeToFirstToken}
 * starts a stream, takes the first text and cancels. Models ({@code model}): the synthetic 134M llama at
 * Q4_K_M and Q8_0 and the 1B one at Q4_K_M, written by the project's writer as F16 and quantized by the
 * real {@code llama-quantize}, cached in the benchmark directory.
 */
@State(Scope.Benchmark)
// The in-process engine leaves non-daemon native threads behind: halt the fork 1 s after its results.
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
public class LlamaServerBenchmark {
    static final int TOKENS = 64;
    static final int THREADS = 2;
    static final String PROMPT = GenerationBenchmark.PROMPT;
    private static final LoadOptions SERVER_OPTIONS = LoadOptions.builder().contextSize(512).threads(THREADS)
            .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    private static final LoadOptions IN_PROCESS_OPTIONS = LoadOptions.builder().contextSize(512).threads(THREADS)
            .build();

    /** {@code 134M-q4_k_m}, {@code 134M-q8_0} or {@code 1B-q4_k_m}. */
    @Param({"134M-q4_k_m", "134M-q8_0", "1B-q4_k_m"})
    public String model;

    private final GenerationRequest request = GenerationRequest.builder().prompt(PROMPT).raw(true).maxTokens(TOKENS)
            .temperature(0).build();
    private InferenceBackend engine;
    private ModelInstance instance;
    private BareLlamaServer bare;
    private byte[] bareBody;

    /** Makes or finds the file, loads the side under test, and checks that it answers with 64 tokens. */
    @Setup(Level.Trial)
    public void load(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Path file = file(model);
        StringBuilder out = new StringBuilder(String.format("%n%s on %s (%,d bytes)%n", method, file,
                file.toFile().length()));
        if (method.startsWith("inProcess")) {
            engine = new LlamaCppBackend();
            instance = engine.load(ModelLoadRequest.ofFile(file, IN_PROCESS_OPTIONS));
            out.append("in-process engine, ").append(instance.info().options()).append('\n');
        } else {
            engine = ServerEngines.create();
            instance = engine.load(ModelLoadRequest.ofFile(file, SERVER_OPTIONS));
            List<String> command = BareLlamaServer.childCommandLine();
            out.append("the engine's llama-server: ").append(String.join(" ", command)).append('\n');
            if (method.startsWith("serverHttp")) {
                instance.close();
                instance = null;
                engine.close();
                engine = null;
                if (method.endsWith("Generate64")) {
                    out.append(LlamaBenchCeiling.measure(file, TOKENS, THREADS)).append('\n');
                }
                bare = BareLlamaServer.start(command, Duration.ofMinutes(5));
                bareBody = body(command.get(command.indexOf("--alias") + 1));
                out.append("bare server: ").append(String.join(" ", bare.command())).append('\n');
            }
        }
        if (bare != null) {
            int tokens = bare.complete(bareBody, false, t -> { });
            out.append("check run: ").append(tokens).append(" completion tokens\n");
        } else {
            GenerationResult check = instance.generate(request);
            out.append(String.format("check run: %d completion tokens, finish %s, %.1f tokens/s by the engine's"
                    + " metrics%n", check.usage().completionTokens(), check.finishReason(),
                    check.metrics().generationTokensPerSecond()));
        }
        System.out.print(out);
    }

    /** @return the file for a {@link #model} value, made if not cached */
    static Path file(String model) {
        return switch (model) {
            case "134M-q4_k_m" -> BenchmarkModels.quantized(134_000_000L, "Q4_K_M");
            case "134M-q8_0" -> BenchmarkModels.quantized(134_000_000L, "Q8_0");
            case "1B-q4_k_m" -> BenchmarkModels.quantized(1_000_000_000L, "Q4_K_M");
            default -> throw new IllegalArgumentException("model must be 134M-q4_k_m, 134M-q8_0 or 1B-q4_k_m, not "
                    + model);
        };
    }

    /** @return the body the engine sends for {@link #request} (see the OpenAI engine's RequestBodies) */
    private static byte[] body(String alias) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode body = mapper.createObjectNode();
        body.put("model", alias);
        body.put("prompt", PROMPT);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("temperature", 0.0);
        body.put("max_tokens", TOKENS);
        return mapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    }

    /** Stops whatever the fork started. */
    @TearDown(Level.Trial)
    public void close() {
        if (instance != null) {
            instance.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (bare != null) {
            bare.close();
        }
    }

    /** @return the answer through the SDK and the llamaserver engine */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 5)
    public GenerationResult serverSdkGenerate64() {
        return instance.generate(request);
    }

    /** @param bh takes each event's text @return the answer's completion tokens */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 5)
    public int serverHttpGenerate64(Blackhole bh) {
        return bare.complete(bareBody, false, bh::consume);
    }

    /** @return the answer through the in-process engine */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 5)
    public GenerationResult inProcessGenerate64() {
        return instance.generate(request);
    }

    /** @return the first chunk through the SDK and the llamaserver engine */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 3)
    @Measurement(iterations = 3, time = 3)
    public Object serverSdkTimeToFirstToken() {
        return firstChunk(instance);
    }

    /** @param bh takes the first text */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 3)
    @Measurement(iterations = 3, time = 3)
    public void serverHttpTimeToFirstToken(Blackhole bh) {
        bare.complete(bareBody, true, bh::consume);
    }

    /** @return the first chunk through the in-process engine */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 3)
    @Measurement(iterations = 3, time = 3)
    public Object inProcessTimeToFirstToken() {
        return firstChunk(instance);
    }

    private Object firstChunk(ModelInstance model) {
        try (GenerationStream stream = model.stream(request)) {
            Iterator<?> chunks = stream.iterator();
            return chunks.hasNext() ? chunks.next() : null;
        }
    }
}
