package io.github.localllm.benchmarks;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.backend.llamacpp.LlamaCppBackend;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Which thread counts generate fastest: the SDK's default against fixed choices of
 * generation threads / prompt-batch threads on the raw binding, each in a fresh JVM (one
 * model per process, see GenerationBenchmark on why). Same 100M-parameter Q8_0 model and
 * 64 greedy tokens as GenerationBenchmark.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ThreadsBenchmark {

    /** {@code sdk-default}, or {@code G/B}: G generation threads and B batch threads on the raw binding. */
    @Param({"sdk-default", "1/1", "2/2", "2/1"})
    public String threads;

    private ModelInstance sdk;
    private LlamaModel raw;
    private final GenerationRequest sdkRequest = GenerationRequest.builder().prompt(GenerationBenchmark.PROMPT)
            .raw(true).maxTokens(GenerationBenchmark.TOKENS).temperature(0).build();

    /** Loads the model once per fork with the thread counts under test. */
    @Setup(Level.Trial)
    public void load() {
        Path file = BenchmarkModels.synthetic(GenerationBenchmark.PARAMETERS, GgmlType.Q8_0);
        if (threads.equals("sdk-default")) {
            sdk = new LlamaCppBackend().load(ModelLoadRequest.ofFile(file,
                    LoadOptions.builder().contextSize(512).build()));
            System.out.printf("%nSDK default: %s%n", sdk.info().options());
            return;
        }
        String[] parts = threads.split("/");
        raw = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(512).setBatchSize(512)
                .setThreads(Integer.parseInt(parts[0])).setThreadsBatch(Integer.parseInt(parts[1]))
                .setParallel(1).disableLog());
    }

    /** @param bh keeps the output alive */
    @Benchmark
    public void generate64(Blackhole bh) {
        if (sdk != null) {
            bh.consume(sdk.generate(sdkRequest));
            return;
        }
        for (LlamaOutput output : raw.generate(new InferenceParameters(GenerationBenchmark.PROMPT)
                .setNPredict(GenerationBenchmark.TOKENS).setTemperature(0f).setIgnoreEos(true).setCachePrompt(true))) {
            bh.consume(output);
        }
    }

    /** Frees the model; the fork is halted by JMH's shutdown timeout. */
    @TearDown(Level.Trial)
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
        if (raw != null) {
            raw.close();
        }
    }
}
