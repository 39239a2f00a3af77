package io.github.localllm.backend.llamacpp;

import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import de.kherud.llama.args.PoolingType;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.schema.StructuredOutput;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp in this process, through {@code de.kherud:llama}. Every file is validated by
 * the GGUF reader before llama.cpp sees it, and architectures newer than the bundled
 * llama.cpp are refused before loading.
 *
 * <p>The binding cannot free a model: closing one keeps its memory for a later load of the same
 * file with the same options, and every distinct model loaded in a JVM keeps its memory until the
 * JVM exits ({@link #retainedBytes()}; loading a second one logs a warning). To swap models and get
 * the memory back, use a server engine. Programs that use this engine exit by themselves like any
 * other: the native threads the binding leaves behind do not keep the JVM alive once {@code main}
 * and the program's own threads have ended.
 */
public final class LlamaCppBackend implements InferenceBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppBackend.class);
    private static final int DEFAULT_CONTEXT = 4096;
    private static final int DEFAULT_BATCH = 512;
    /** Elements per block of the q8_0 and q4_0 cache types. */
    private static final int QUANTIZED_CACHE_BLOCK = 32;

    /** The configuration key that lets llama.cpp write its own log to stderr. */
    public static final String NATIVE_LOG_KEY = "llamacpp.native.log";

    private final boolean nativeLog;
    private final LlamaCppOptions configured;

    /** Creates the engine with llama.cpp's own logging off; models load on {@link #load}. */
    public LlamaCppBackend() {
        this(false);
    }

    /**
     * @param nativeLog let llama.cpp write its own log to stderr; see {@link #LlamaCppBackend(boolean)}
     * @param configured engine options from the configuration, used where a request leaves them open
     */
    public LlamaCppBackend(boolean nativeLog, LlamaCppOptions configured) {
        this.nativeLog = nativeLog;
        this.configured = configured;
        NativeLibrary.prepare();
    }

    /**
     * @param nativeLog let llama.cpp write its own log to the process's stderr. Off by
     *        default: it writes dozens of lines per request, and the binding's log callback
     *        does not capture them, so they cannot go through SLF4J.
     */
    public LlamaCppBackend(boolean nativeLog) {
        this(nativeLog, LlamaCppOptions.builder().build());
    }

    @Override
    public BackendInfo info() {
        return BackendInfo.builder(LlamaCppBackendProvider.ID).name("llama.cpp (in process)")
                .version(EngineLimits.ENGINE_VERSION).capabilities(EngineLimits.CAPABILITIES).build();
    }

    @Override
    public ModelInstance load(ModelLoadRequest request) {
        // Absolute, so that a file name starting with '-' can never be read as an option by
        // llama.cpp's argument parser, which receives the path on its command line.
        if (!(request.model() instanceof ModelRef.File ref)) {
            throw new InvalidRequestException("the in-process llama.cpp engine opens GGUF files, but was given "
                    + request.model().text() + "; pass a file path (ModelRef.file(...)), or use a server engine"
                    + " such as Ollama for model names");
        }
        Path file = ref.path().toAbsolutePath().normalize();
        ModelFacts facts = ModelFiles.inspect(file);
        EngineLimits.checkArchitecture(file, facts.architecture());
        LoadOptions effective = resolve(request.options(), configured, facts);
        LlamaCppOptions own = effective.engineOptions(LlamaCppOptions.class).orElseThrow();
        ModelParameters params = new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(effective.contextSize() * own.parallel())
                .setParallel(own.parallel())
                .setThreads(effective.threads())
                .setThreadsBatch(ThreadDefaults.batchThreads(effective.threads()))
                .setBatchSize(own.batchSize())
                .setUbatchSize(own.batchSize())
                .enableJinja()
                .enableEmbedding();
        // One native model serves completions and embeddings. A second one for embeddings
        // would cost another copy of the context, and two models that have computed in one
        // process slow each other about 3x on a 2-core machine (measured: 132 → 43 tokens/s),
        // their OpenMP thread teams spinning against each other. Embedding mode leaves
        // generation unchanged: same greedy text, same speed (130 vs 132 tokens/s).
        if (!facts.declaresPooling()) {
            // A generative model declares no pooling, and llama.cpp then returns the first
            // token's vector, the same for every text; last-token pooling suits causal
            // models (mean pooling trips an assertion in b4916 on them).
            params.setPoolingType(PoolingType.LAST);
        }
        if (effective.gpuLayers() != 0) {
            // Only when asked: the CPU builds warn on stderr about any --gpu-layers.
            params.setGpuLayers(effective.gpuLayers());
        }
        if (!own.mmap()) {
            params.disableMmap();
        }
        if (own.mlock()) {
            params.enableMlock();
        }
        if (!nativeLog) {
            params.disableLog();
        }
        if (own.kvCacheType() != KvCacheType.F16) {
            CacheType type = CacheType.valueOf(own.kvCacheType().name());
            // llama.cpp quantizes the V cache only with flash attention on.
            params.setCacheTypeK(type).setCacheTypeV(type).enableFlashAttn();
        }
        if (own.chatTemplate() != null) {
            // b4916 ends the process on a command-line template it cannot render: check it first.
            TemplateProbe.checkReplacement(own.chatTemplate());
            params.setChatTemplate(own.chatTemplate());
        }
        long start = System.nanoTime();
        NativeModels.NativeModel engine;
        try {
            engine = NativeModels.acquire(params, facts.name(), footprint(facts, effective));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw NativeFailures.duringLoad(file, e);
        }
        Duration loadTime = Duration.ofNanos(System.nanoTime() - start);
        ModelInfo info = ModelInfo.builder(facts.name(), LlamaCppBackendProvider.ID).architecture(facts.architecture())
                .parameterCount(facts.parameterCount()).quantization(facts.quantization())
                .trainedContextLength(facts.trainedContextLength()).embeddingLength(facts.embeddingLength())
                .options(effective).loadTime(loadTime).capabilities(EngineLimits.CAPABILITIES).build();
        LOG.debug("loaded {} ({}, {}) in {} ms with {}", facts.name(), facts.architecture(), facts.quantization(),
                loadTime.toMillis(), effective);
        LlamaCppModel model = new LlamaCppModel(facts, info, engine);
        // b4916 silently prompts in ChatML when it cannot use the model's template: find out, so that
        // such requests are refused instead.
        try {
            model.templateSupport(TemplateProbe.check(file, facts.name(), own.chatTemplate(), engine.engine()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        // Grammars cannot enforce every keyword (uniqueItems, formats, ...) nor finish an answer the
        // token limit cuts off; the check makes sure no such answer comes back as a success.
        return StructuredOutput.enforce(model);
    }

    /**
     * Memory that models closed in this JVM still hold, by every {@code LlamaCppBackend}: the binding
     * cannot free a model. A closed model's memory is used again when the same file loads again with the
     * same options; any other model needs memory of its own. Estimated with the memory model
     * ({@link io.github.localllm.gguf.MemoryModel}) as what each model holds once its whole context has
     * been used (within 10% of measured resident growth); a model used only with short prompts holds
     * less (measured: 183 MiB resident against 213 MiB estimated for a 143 MB file at context 512).
     *
     * <p>With memory-mapped weights (the default) most of it is the file's pages, which the OS may
     * reclaim under memory pressure; the KV cache and compute buffers stay allocated until the JVM exits.
     * RAM readings taken after the models were closed (such as those {@code HardwareDetector.current()}
     * makes for each plan) already show this memory as in use, apart from the reclaimable pages; subtract
     * it only from readings taken before.
     *
     * @return estimated bytes held by closed models; 0 when none was closed
     */
    public long retainedBytes() {
        return NativeModels.retainedBytes();
    }

    /** What a load keeps resident; without a memory model, the file's size stands in for it. */
    private static NativeModels.Footprint footprint(ModelFacts facts, LoadOptions effective) {
        LlamaCppOptions own = effective.engineOptions(LlamaCppOptions.class).orElseThrow();
        if (facts.memory() == null) {
            return new NativeModels.Footprint(facts.fileBytes(), own.mmap() ? facts.fileBytes() : 0);
        }
        boolean quantizedCache = own.kvCacheType() != KvCacheType.F16;
        MemoryEstimate estimate = facts.memory().estimate(LoadSettings.builder(effective.contextSize())
                .parallel(own.parallel()).batchSize(own.batchSize()).ubatchSize(own.batchSize())
                .gpuLayers(effective.gpuLayers()).cacheType(own.kvCacheType()).flashAttention(quantizedCache)
                .build());
        return new NativeModels.Footprint(estimate.totalBytes(), own.mmap() ? estimate.hostWeightBytes() : 0);
    }

    /** Fills every option the caller and the configuration left open, and rejects what this model cannot do. */
    static LoadOptions resolve(LoadOptions requested, LlamaCppOptions configured, ModelFacts facts) {
        int trained = facts.trainedContextLength();
        Integer context = requested.contextSize();
        if (context == null) {
            context = trained > 0 ? Math.min(trained, DEFAULT_CONTEXT) : DEFAULT_CONTEXT;
        } else if (trained > 0 && context > trained) {
            throw new InvalidRequestException("context size " + context + " exceeds the " + trained
                    + " tokens " + facts.name() + " was trained for; use at most " + trained);
        }
        LlamaCppOptions asked = requested.engineOptions(LlamaCppOptions.class)
                .orElse(LlamaCppOptions.builder().build()).orElse(configured);
        KvCacheType cacheType = asked.kvCacheType() != null ? asked.kvCacheType() : KvCacheType.F16;
        if (cacheType != KvCacheType.F16 && facts.headDimension() % QUANTIZED_CACHE_BLOCK != 0) {
            // llama.cpp aborts the process on this instead of failing the load.
            throw new InvalidRequestException("KV cache type " + cacheType + " needs attention heads whose size is a"
                    + " multiple of " + QUANTIZED_CACHE_BLOCK + ", but " + facts.name() + "'s heads are "
                    + facts.headDimension() + " wide; use kv cache type f16");
        }
        LlamaCppOptions own = new LlamaCppOptions(
                asked.batchSize() != null ? asked.batchSize() : Math.min(DEFAULT_BATCH, context),
                asked.parallel() != null ? asked.parallel() : 1,
                asked.mmap() != null ? asked.mmap() : Boolean.TRUE,
                asked.mlock() != null ? asked.mlock() : Boolean.FALSE,
                cacheType, asked.chatTemplate());
        return requested.toBuilder().contextSize(context)
                .threads(requested.threads() != null ? requested.threads() : ThreadDefaults.generationThreads())
                .gpuLayers(requested.gpuLayers() != null ? requested.gpuLayers() : 0)
                .engineOptions(own).build();
    }

    @Override
    public void close() {
        // Models own their native memory and are closed by their holders.
    }
}
