package io.github.localllm.benchmarks;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.backend.llamacpp.LlamaCppBackend;
import io.github.localllm.backend.llamacpp.LlamaCppOptions;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
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

/**
 * The SDK against the raw binding, in the same JVM on the same model file with the same threads:
 * a synthetic 100M-parameter Q8_0 llama model with random weights (written once into
 * {@code java.io.tmpdir}), context 512.
 *
 * <ul>
 *   <li>{@code *Generate64}: 64 tokens, greedy, from a raw prompt; tokens/s = 64 / time. The raw
 *       binding ignores end-of-sequence; the SDK cannot, but a random model with a 32000-token
 *       vocabulary practically never samples it (setup prints the SDK's token count).</li>
 *   <li>{@code *TimeToFirstToken}: start a stream, take the first piece of text, cancel.</li>
 * </ul>
 *
 * Both sides ask llama.cpp to cache the prompt, as the SDK always does, so a repeated prompt costs
 * one decode step on both.
 */
@State(Scope.Benchmark)
// The binding leaves non-daemon native threads behind, so the forked JVM never exits by itself: JMH would
// wait 30 s and then halt it. Its results are already sent by then, so halt after 1 s instead.
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
public class GenerationBenchmark {

    static final int TOKENS = 64;
    static final String PROMPT = "Once upon a time there was a small robot who liked to paint pictures of the sea.";
    static final long PARAMETERS = 100_000_000L;

    /**
     * Which models the JVM holds while one side is measured:
     * <ul>
     *   <li>{@code both} (default): the SDK's and the raw model are both loaded; only the side under
     *       test ever generates.</li>
     *   <li>{@code single}: only the side under test is loaded.</li>
     *   <li>{@code both-used}: both loaded, and the other side generates 64 tokens once in setup. This
     *       shows a cost of the bundled llama.cpp: once a model has generated, its idle threads slow
     *       every other model in the process (measured about 3x on 2 cores).</li>
     * </ul>
     */
    @Param({"both"})
    public String models;

    private ModelInstance sdk;
    private LlamaModel raw;
    private final GenerationRequest sdkRequest =
            GenerationRequest.builder().prompt(PROMPT).raw(true).maxTokens(TOKENS).temperature(0).build();

    /**
     * Writes or finds the model, loads it through the SDK and through the binding with the same
     * threads, and checks the side under test generates 64 tokens.
     *
     * @param params tells which benchmark runs
     */
    @Setup(Level.Trial)
    public void load(BenchmarkParams params) {
        if (!List.of("both", "single", "both-used").contains(models)) {
            throw new IllegalArgumentException("models must be both, single or both-used, not " + models);
        }
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        boolean sdkSide = method.startsWith("sdk");
        Path file = BenchmarkModels.synthetic(PARAMETERS, GgmlType.Q8_0);
        sdk = new LlamaCppBackend().load(ModelLoadRequest.ofFile(file, LoadOptions.builder().contextSize(512).build()));
        LoadOptions effective = sdk.info().options();
        int threads = effective.threads();
        int batchThreads = Math.max(1, threads - 1);
        if (models.equals("single") && sdkSide) {
            // Raw side not loaded.
        } else {
            raw = new LlamaModel(new ModelParameters()
                    .setModel(file.toString())
                    .setCtxSize(effective.contextSize())
                    .setBatchSize(effective.engineOptions(LlamaCppOptions.class).orElseThrow().batchSize())
                    .setThreads(threads)
                    .setThreadsBatch(batchThreads)
                    .setParallel(1)
                    .disableLog());
        }
        if (models.equals("single") && !sdkSide) {
            // The SDK was loaded only to learn its default threads. Closing parks the native model
            // unused (the binding cannot free it), which, never having generated, costs no speed.
            sdk.close();
            sdk = null;
        }
        StringBuilder out = new StringBuilder(String.format("%nmodel %s (about %,d parameters, %s); %s: SDK %s, raw %s%n",
                file, PARAMETERS, effective, models, sdk != null ? "loaded" : "not loaded",
                raw != null ? "loaded (threads " + threads + ", batch threads " + batchThreads + ")" : "not loaded"));
        boolean checkSdk = sdkSide || models.equals("both-used");
        boolean checkRaw = !sdkSide || models.equals("both-used");
        if (checkSdk) {
            GenerationResult check = sdk.generate(sdkRequest);
            out.append(String.format("SDK check run: %d completion tokens, finish %s%n",
                    check.usage().completionTokens(), check.finishReason()));
        }
        if (checkRaw) {
            int outputs = 0;
            for (LlamaOutput ignored : raw.generate(rawParameters(TOKENS))) {
                outputs++;
            }
            out.append(String.format("raw check run: %d outputs (%d tokens and a final empty one)%n", outputs,
                    TOKENS));
        }
        System.out.print(out);
    }

    private static InferenceParameters rawParameters(int tokens) {
        return new InferenceParameters(PROMPT).setNPredict(tokens).setTemperature(0f).setIgnoreEos(true)
                .setCachePrompt(true);
    }

    /** Frees both models; the binding's native thread still keeps the JVM alive, see README. */
    @TearDown(Level.Trial)
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    /** @return the 64-token answer through the SDK */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    public GenerationResult sdkGenerate64() {
        return sdk.generate(sdkRequest);
    }

    /** @param bh consumes the tokens @return the number of outputs */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    public int rawGenerate64(Blackhole bh) {
        int n = 0;
        for (LlamaOutput output : raw.generate(rawParameters(TOKENS))) {
            bh.consume(output.text);
            n++;
        }
        return n;
    }

    /** @return the first chunk through the SDK */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object sdkTimeToFirstToken() {
        try (GenerationStream stream = sdk.stream(sdkRequest)) {
            Iterator<?> chunks = stream.iterator();
            return chunks.hasNext() ? chunks.next() : null;
        }
    }

    /** @return the first output through the binding */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object rawTimeToFirstToken() {
        LlamaIterator outputs = raw.generate(rawParameters(TOKENS)).iterator();
        try {
            return outputs.next();
        } finally {
            outputs.cancel();
        }
    }
}
