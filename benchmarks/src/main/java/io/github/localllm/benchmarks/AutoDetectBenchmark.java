package io.github.localllm.benchmarks;

import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What looking for local servers costs when none runs (Ollama on 11434, LM Studio on 1234,
 * llama.cpp's server on 8080 all closed): the price every {@code autoDetect()} user without a
 * server pays, in a warm JVM. {@link AutoDetectColdBenchmark} measures the first time.
 *
 * <ul>
 *   <li>{@code probeAll}: {@link LocalLlm#providers()} and every provider's
 *       {@link InferenceBackendProvider#probe} at once, as {@code LocalLlm} does when several engines
 *       could serve a model ({@link ServerProbes}); with only in-process engines on the class path
 *       this is finding them and nothing else.</li>
 *   <li>{@code autoDetectNoServer}: {@code LocalLlm.builder().autoDetect().model("llama3.2").build()},
 *       which fails because nothing serves the name: configuration, hardware detection (cached after
 *       its first run), the engine choice with its probes, and the exception that says what to start.</li>
 * </ul>
 *
 * <p>Setup prints the providers found and what each probe said, and warns if something does listen
 * on a usual port (the numbers then measure finding it).
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar AutoDetectBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AutoDetectBenchmark {
    static final String MODEL = "llama3.2";

    private LocalLlmConfig config;

    /** Reads the configuration as {@code LocalLlm} would and shows what the probes see. */
    @Setup(Level.Trial)
    public void setup() {
        config = LocalLlmConfig.load(Map.of(), Map.of(), ConfigEnvironment.system());
        List<Integer> open = ServerProbes.listening();
        if (!open.isEmpty()) {
            System.out.printf("%nWARNING: something listens on port(s) %s; this run measures finding it%n", open);
        }
        List<InferenceBackendProvider> providers = LocalLlm.providers();
        List<EngineHealth> health = ServerProbes.probeAll(providers, config);
        System.out.printf("%n%d providers:%n", providers.size());
        for (int i = 0; i < providers.size(); i++) {
            EngineHealth h = health.get(i);
            System.out.printf("  %-10s %s in %d us: %s%n", providers.get(i).id(), h.up() ? "up" : "down",
                    h.latency().toNanos() / 1000, h.up() ? h.version() : h.detail());
        }
        System.out.println("  build(): " + autoDetectNoServer().getMessage());
    }

    /** @return every provider's health */
    @Benchmark
    public List<EngineHealth> probeAll() {
        return ServerProbes.probeAll(LocalLlm.providers(), config);
    }

    /** @return the failure that says no engine for the name runs */
    @Benchmark
    public LocalLlmException autoDetectNoServer() {
        try (LocalLlm llm = LocalLlm.builder().autoDetect().model(MODEL).build()) {
            throw new IllegalStateException("a model was loaded, so a server runs: " + llm.model().info());
        } catch (LocalLlmException e) {
            return e;
        }
    }
}
