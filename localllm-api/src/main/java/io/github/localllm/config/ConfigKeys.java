package io.github.localllm.config;

/** The configuration keys the SDK itself reads. Engines may read keys of their own under their id. */
public final class ConfigKeys {
    /** The model, as {@link io.github.localllm.ModelRef#parse} reads it: a file, a name, {@code hf://...} or a URL. */
    public static final String MODEL = "model";
    /** The engine id to use, e.g. {@code llamacpp}. */
    public static final String BACKEND = "backend";
    /** Context size in tokens. */
    public static final String CONTEXT_SIZE = "context.size";
    /** CPU threads for generation. */
    public static final String THREADS = "threads";
    /** Prompt batch size in tokens (engines that take it, such as llama.cpp). */
    public static final String BATCH_SIZE = "batch.size";
    /** Layers to offload to the GPU; -1 for all. */
    public static final String GPU_LAYERS = "gpu.layers";
    /** Parallel sequences per loaded model (engines that take it, such as llama.cpp). */
    public static final String PARALLEL = "parallel";
    /** Memory-map model files: true or false (in-process engines). */
    public static final String MMAP = "mmap";
    /** Lock weights in RAM: true or false (in-process engines). */
    public static final String MLOCK = "mlock";
    /** Attention cache element type: f16, q8_0 or q4_0 (llama.cpp engines). */
    public static final String KV_CACHE_TYPE = "kv.cache.type";
    /** How long a server keeps an idle model loaded, as an ISO-8601 duration ({@code PT5M}) or seconds; 0 unloads at once, negative keeps it. */
    public static final String KEEP_ALIVE = "keep.alive";
    /** Where model files are kept. */
    public static final String MODELS_DIR = "models.dir";
    /**
     * {@code true} when the application loads several models in one JVM, in turn or at once (a planner,
     * a critic, an executor): auto-detection then prefers an engine that returns a closed model's memory.
     */
    public static final String SWAPS_MODELS = "models.swap";
    /**
     * {@code true} to let the SDK download a model that is not on this machine (a Hugging Face file, an
     * address, or the model {@code autoDetect()} chose); without it such a model is an error saying what
     * would be downloaded. Never on by default: a model is gigabytes.
     */
    public static final String MODELS_DOWNLOAD = "models.download";
    /** The SHA-256 the model file must have; a download with another hash is never installed. */
    public static final String MODEL_SHA256 = "model.sha256";

    private ConfigKeys() {
    }
}
