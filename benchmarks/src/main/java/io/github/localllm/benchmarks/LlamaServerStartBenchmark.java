package io.github.localllm.benchmarks;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamaserver.LlamaServerOptions;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What a user of the llamaserver engine waits for, on the real tiny model (stories260K F16), one shot
 * at a time:
 *
 * <ul>
 *   <li>{@code coldStart}: {@code load()} of the file: its header read, {@code llama-server} spawned,
 *       {@code /health} answering 200, the OpenAI-compatible engine connected.</li>
 *   <li>{@code crashToAnswer}: the loaded model's server killed ({@code SIGKILL}, its end seen), to the
 *       next one-token answer: the crash noticed, the default restart policy's first pause (100 ms),
 *       a new server spawned and ready, the request answered.</li>
 * </ul>
 *
 * Each iteration loads a fresh model (so every crash is the first within the restart window) and
 * closes it afterwards, neither timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
// Every shot's crash would log a warning with the server's last lines.
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.io.github.localllm.backend.llamaserver.ManagedModel=error"})
public class LlamaServerStartBenchmark {
    private static final GenerationRequest ONE_TOKEN = GenerationRequest.builder().prompt("Once upon a time")
            .raw(true).sampling(SamplingParameters.greedy()).maxTokens(1).build();

    private InferenceBackend engine;
    private ModelLoadRequest load;
    private ModelInstance model;
    private ProcessHandle server;

    /** Creates the engine on the real binary. */
    @Setup(Level.Trial)
    public void engine() {
        Path file = tinyModel();
        engine = ServerEngines.create();
        load = ModelLoadRequest.ofFile(file, LoadOptions.builder().contextSize(512).threads(2)
                .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build());
        System.out.printf("%n%s, %s%n", file, engine.info().name());
    }

    /** For {@code crashToAnswer}: a loaded model that has answered once, and its server's process. */
    @Setup(Level.Iteration)
    public void prepare(BenchmarkParams params) {
        if (params.getBenchmark().endsWith("crashToAnswer")) {
            model = engine.load(load);
            model.generate(ONE_TOKEN);
            server = BareLlamaServer.child();
        }
    }

    /** Closes the iteration's model: its server stops. */
    @TearDown(Level.Iteration)
    public void closeModel() {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    /** Closes the engine. */
    @TearDown(Level.Trial)
    public void closeEngine() {
        engine.close();
    }

    /** @return the loaded model */
    @Benchmark
    public ModelInstance coldStart() {
        model = engine.load(load);
        return model;
    }

    /** @return the first answer after the crash */
    @Benchmark
    public GenerationResult crashToAnswer() throws InterruptedException, ExecutionException, TimeoutException {
        server.destroyForcibly();
        server.onExit().get(10, TimeUnit.SECONDS);
        return model.generate(ONE_TOKEN);
    }

    /**
     * @return {@code -Dlocalllm.bench.tinyModel}, else {@code LOCALLLM_TEST_MODEL}, else
     *     {@code shared/models/stories260K-f16.gguf} beside the project or under {@code /work}
     */
    static Path tinyModel() {
        String given = System.getProperty("localllm.bench.tinyModel");
        if (given == null || given.isBlank()) {
            given = System.getenv("LOCALLLM_TEST_MODEL");
        }
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/models/stories260K-f16.gguf");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no stories260K-f16.gguf in a shared/models folder above "
                + Path.of("").toAbsolutePath() + "; set -Dlocalllm.bench.tinyModel (with -jvmArgsAppend) or"
                + " LOCALLLM_TEST_MODEL to a small GGUF file");
    }
}
