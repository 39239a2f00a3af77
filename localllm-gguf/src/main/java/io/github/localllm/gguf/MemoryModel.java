package io.github.localllm.gguf;

import io.github.localllm.KvCacheType;
import io.github.localllm.InvalidModelFileException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The memory a llama.cpp load of one GGUF model needs, computed from its header alone, the way
 * llama.cpp allocates it (b4916, March 2025, cross-checked with Ollama's {@code llm/memory.go}).
 * Read {@link #of(GgufFile)} once, then ask {@link #estimate(LoadSettings)} for any settings. Without a
 * header (a model not downloaded yet), {@link #fromShape(ModelShape, long)} builds the same model from
 * the architecture's hyperparameters and the file size, estimating only how the weights split.
 *
 * <p>The terms, and why each is what it is:
 * <ul>
 * <li><b>Weights</b>: the tensors' bytes as stored; llama.cpp maps the file and runs on the stored
 *     types. Repeating layers are {@code blk.N.*}; llama.cpp offloads the <em>last</em> N of them
 *     ({@code i_gpu_start = n_layer - n_gpu_layers}) and the output layer ({@code output.weight},
 *     {@code output_norm}) only when N exceeds the block count. The token embedding is always on
 *     the CPU (it is a row lookup, not a matrix product). A model without {@code output.weight}
 *     ties it to the token embedding, which llama.cpp then copies to the GPU as the output layer.</li>
 * <li><b>KV cache</b>: per layer {@code n_embd_k_gqa × cells} K elements and as many V elements,
 *     with {@code n_embd_k_gqa = key_length × head_count_kv} (grouped-query attention shares K/V
 *     heads), {@code cells = context × parallel} padded to 32 (256 with flash attention) as
 *     {@code llama_kv_cache_get_padding} does. Sliding-window layers hold only
 *     {@code window × parallel + ubatch} cells on engines that size them so (llama.cpp from May
 *     2025); b4916 gives them the full context. Element sizes: {@link KvCacheType}.</li>
 * <li><b>Compute buffer</b>: ggml's allocator reserves one buffer for the worst-case graph, a full
 *     ubatch against the full cache with every token output, and reuses it for every decode. Its
 *     peak is the largest of three moments, each with the f32 KQ mask ({@code cells × ubatch}, rows
 *     padded to 64) alive: attention (the {@code head_count × cells × ubatch} scores, which flash
 *     attention never materialises, plus four activations of {@code n_embd × ubatch}), the
 *     feed-forward (gate, up and product of {@code n_ff × ubatch}, plus two activations) and the
 *     output (logits {@code n_vocab × outputs} plus two activations). Checked against b4916's logged
 *     "CPU compute buffer size" on llama-shaped models: within 0.1 MiB where attention or the output
 *     dominates, at most 2.5 MiB over otherwise. A GPU commits the whole reserve
 *     ({@link #computeReserveBytes}); on the CPU the reserve is virtual and only pages a decode
 *     touches become resident, and a generating decode outputs one row per sequence, so the host
 *     term is the graph with {@code parallel} outputs ({@link #hostComputeBytes}).</li>
 * <li><b>Output buffer</b>: logits copied out of the graph, {@code n_vocab × 4} bytes per sequence.</li>
 * <li><b>Overhead</b>: what a load adds besides those buffers: tokenizer tables (strings, maps and
 *     merges, about {@value #OVERHEAD_PER_TOKEN} bytes per vocabulary entry), the scheduler and graph
 *     metadata, the server slot and thread, allocator slack: {@value #OVERHEAD_BASE} bytes plus the
 *     vocabulary term, calibrated by resident-memory measurements of b4916 (see
 *     {@code MemoryModelAccuracyTest} in the llama.cpp backend).</li>
 * </ul>
 */
public final class MemoryModel {
    /** Fixed runtime bytes per load, measured (see the class comment). */
    public static final long OVERHEAD_BASE = 31L << 20;
    /** Bytes per vocabulary entry for the tokenizer's tables, measured (see the class comment). */
    public static final long OVERHEAD_PER_TOKEN = 600;

    private static final int F32 = 4;
    private static final int KQ_MASK_PAD = 64;

    /** Layers with a sliding window repeat in these patterns: layer i is SWA when i % n < n - 1. */
    private static final Map<String, Integer> SWA_PATTERNS = Map.of("gemma2", 2, "gemma3", 6, "cohere2", 4,
            "gpt-oss", 2);

    private final String architecture;
    private final int blockCount;
    private final long embeddingLength;
    private final long headCount;
    private final long keyGqa;
    private final long valueGqa;
    private final long queryWidth;
    private final boolean tiedOutput;
    private final long vocabularySize;
    private final long feedForwardLength;
    private final OptionalLong trainedContext;
    private final OptionalLong slidingWindow;
    private final long[] layerWeights;
    private final long tokenEmbeddingBytes;
    private final long outputLayerBytes;
    private final long otherNonLayerBytes;
    private final long expertWeights;
    private final double activeExpertShare;

    private MemoryModel(String architecture, int blockCount, long embeddingLength, long headCount, long keyGqa,
                        long valueGqa, long queryWidth, boolean tiedOutput, long vocabularySize,
                        long feedForwardLength, OptionalLong trainedContext, OptionalLong slidingWindow,
                        long[] layerWeights, long tokenEmbeddingBytes, long outputLayerBytes, long otherNonLayerBytes,
                        long expertWeights, double activeExpertShare) {
        this.architecture = architecture;
        this.blockCount = blockCount;
        this.embeddingLength = embeddingLength;
        this.headCount = headCount;
        this.keyGqa = keyGqa;
        this.valueGqa = valueGqa;
        this.queryWidth = queryWidth;
        this.tiedOutput = tiedOutput;
        this.vocabularySize = vocabularySize;
        this.feedForwardLength = feedForwardLength;
        this.trainedContext = trainedContext;
        this.slidingWindow = slidingWindow;
        this.layerWeights = layerWeights;
        this.tokenEmbeddingBytes = tokenEmbeddingBytes;
        this.outputLayerBytes = outputLayerBytes;
        this.otherNonLayerBytes = otherNonLayerBytes;
        this.expertWeights = expertWeights;
        this.activeExpertShare = activeExpertShare;
    }

    /**
     * @param file a GGUF header
     * @return its memory model
     * @throws InvalidModelFileException if a key the estimate needs is missing
     */
    public static MemoryModel of(GgufFile file) {
        Objects.requireNonNull(file, "file");
        ModelMetadata m = file.model();
        String architecture = m.architecture().orElseThrow(() -> missing(file, "general.architecture"));
        int blockCount = Math.toIntExact(m.blockCount().orElseThrow(() -> missing(file, architecture
                + ".block_count")));
        long embeddingLength = m.embeddingLength().orElseThrow(() -> missing(file, architecture
                + ".embedding_length"));
        // Recurrent models (mamba, rwkv) declare no attention heads and keep no per-token K/V.
        long headCount = m.headCount().orElse(0);
        long kvHeads = m.headCountKv().orElse(0);
        long keyGqa = headCount == 0 ? 0 : m.keyLength().orElse(0) * kvHeads;
        long valueGqa = headCount == 0 ? 0 : m.valueLength().orElse(0) * kvHeads;
        long queryWidth = m.keyLength().orElse(0) * headCount;

        long[] layerWeights = new long[blockCount];
        long embd = 0;
        long output = 0;
        long other = 0;
        long experts = 0;
        long ffnRows = 0;
        long vocabRows = 0;
        for (GgufTensorInfo t : file.tensors()) {
            String name = t.name();
            int layer = layerOf(name);
            if (layer >= 0 && layer < blockCount) {
                layerWeights[layer] += t.byteSize();
                if (name.contains("_exps.")) {
                    experts += t.byteSize();
                }
                if (layer == 0 && name.endsWith(".ffn_up.weight") && t.dimensions().size() >= 2) {
                    ffnRows = t.dimensions().get(1);
                }
            } else if (name.startsWith("token_embd.")) {
                embd += t.byteSize();
                if (t.dimensions().size() >= 2) {
                    vocabRows = t.dimensions().get(1);
                }
            } else if (name.startsWith("output.") || name.startsWith("output_norm.")) {
                output += t.byteSize();
            } else {
                other += t.byteSize();
            }
        }
        boolean tiedOutput = file.tensor("output.weight").isEmpty();
        if (tiedOutput) {
            // Tied embeddings: llama.cpp uses token_embd as the output matrix (TENSOR_DUPLICATED).
            output += embd;
        }
        long vocab = m.vocabularySize().orElse(vocabRows);
        if (vocab <= 0) {
            throw missing(file, "tokenizer.ggml.tokens");
        }
        OptionalLong used = file.metadata().getLong(architecture + ".expert_used_count");
        OptionalLong count = m.expertCount();
        double activeExpertShare = count.isPresent() && count.getAsLong() > 0 && used.isPresent()
                ? Math.min(1.0, (double) used.getAsLong() / count.getAsLong()) : 1.0;
        return new MemoryModel(architecture, blockCount, embeddingLength, headCount, keyGqa, valueGqa, queryWidth,
                tiedOutput, vocab, m.feedForwardLength().orElse(ffnRows), m.contextLength(), m.slidingWindow(),
                layerWeights, embd, output, other, experts, activeExpertShare);
    }

    /**
     * A memory model without a header: from the architecture's hyperparameters (a catalog entry, a
     * {@code config.json}) and the size of the quantized file, for models not downloaded yet.
     *
     * <p>Weights are the file's size, split the way llama.cpp places them: the token embedding (and the
     * output matrix, unless tied) get {@code vocabularySize × embeddingLength} weights at the file's
     * average bytes per weight ({@code fileBytes / }{@link ModelShape#parameterCount()}), the rest is
     * shared equally by the repeating layers. Quantization mixes make the real split differ a little (an
     * output matrix is often kept at Q6_K in a Q4_K_M file), and the header's bytes count as layer weights;
     * both move bytes between host and device by a few percent at most. KV cache, compute and output
     * buffers and overhead depend only on the shape and are computed exactly as for {@link #of(GgufFile)}.
     * Mixture-of-experts routing is not part of a shape, so every weight counts as read per token.
     *
     * @param shape the architecture's hyperparameters
     * @param fileBytes the GGUF file's size in bytes
     * @return its memory model
     */
    public static MemoryModel fromShape(ModelShape shape, long fileBytes) {
        Objects.requireNonNull(shape, "shape");
        if (fileBytes <= 0) {
            throw new IllegalArgumentException("file size must be positive, got " + fileBytes);
        }
        double bytesPerWeight = (double) fileBytes / shape.parameterCount();
        long embd = Math.round(shape.embeddingParameterCount() * bytesPerWeight);
        // A separate output matrix has the embedding's shape; a tied one is the embedding itself.
        long output = embd;
        long stored = shape.tiedEmbeddings() ? embd : embd + output;
        long perLayer = Math.max(0, fileBytes - stored) / shape.blockCount();
        long[] layerWeights = new long[shape.blockCount()];
        Arrays.fill(layerWeights, perLayer);
        return new MemoryModel(shape.architecture(), shape.blockCount(), shape.embeddingLength(), shape.headCount(),
                shape.keyLength() * shape.headCountKv(), shape.valueLength() * shape.headCountKv(),
                shape.keyLength() * shape.headCount(), shape.tiedEmbeddings(), shape.vocabularySize(),
                shape.feedForwardLength(), shape.contextLength(), shape.slidingWindow(), layerWeights, embd, output,
                0, 0, 1.0);
    }

    private static InvalidModelFileException missing(GgufFile file, String key) {
        return new InvalidModelFileException(file.metadata().file(), key, -1, "is missing, so the memory a load"
                + " needs cannot be computed; re-convert the model with a current llama.cpp convert_hf_to_gguf.py");
    }

    private static int layerOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        try {
            return dot < 0 ? -1 : Integer.parseInt(name.substring(4, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return {@code general.architecture} */
    public String architecture() {
        return architecture;
    }

    /** @return repeating layers */
    public int blockCount() {
        return blockCount;
    }

    /** @return the training context, if the file states it */
    public OptionalLong trainedContextLength() {
        return trainedContext;
    }

    /** @return the vocabulary size */
    public long vocabularySize() {
        return vocabularySize;
    }

    /** @param layer 0-based layer index @return its weight bytes */
    public long layerWeightBytes(int layer) {
        return layerWeights[Objects.checkIndex(layer, blockCount)];
    }

    /** @return the token embedding's bytes; it always stays on the CPU */
    public long tokenEmbeddingBytes() {
        return tokenEmbeddingBytes;
    }

    /** @return the output layer's bytes (output norm and matrix, or the tied embedding) */
    public long outputLayerBytes() {
        return outputLayerBytes;
    }

    /** @return all weight bytes as loaded (a tied output matrix is counted once) */
    public long totalWeightBytes() {
        long sum = tokenEmbeddingBytes + otherNonLayerBytes + outputLayerBytes;
        for (long w : layerWeights) {
            sum += w;
        }
        return tiedOutput ? sum - tokenEmbeddingBytes : sum;
    }

    /**
     * The KV cache of one layer.
     *
     * @param layer 0-based layer index
     * @param settings the load settings
     * @return its K and V bytes
     */
    public long layerKvBytes(int layer, LoadSettings settings) {
        long cells = layerCells(Objects.checkIndex(layer, blockCount), settings);
        return settings.keyCacheType().bytes(keyGqa * cells) + settings.valueCacheType().bytes(valueGqa * cells);
    }

    /** @return the KV cache of every layer together */
    public long kvCacheBytes(LoadSettings settings) {
        long sum = 0;
        for (int i = 0; i < blockCount; i++) {
            sum += layerKvBytes(i, settings);
        }
        return sum;
    }

    /** @return whether this architecture's sliding-window layers are known, so the window can cap them */
    public boolean hasSlidingWindowLayers() {
        return slidingWindow.isPresent() && SWA_PATTERNS.containsKey(architecture);
    }

    private long cacheCells(LoadSettings s) {
        return pad(s.totalContext(), s.flashAttention() ? 256 : 32);
    }

    private long layerCells(int layer, LoadSettings s) {
        long cells = cacheCells(s);
        if (s.slidingWindowCache() && hasSlidingWindowLayers()) {
            int pattern = SWA_PATTERNS.get(architecture);
            if (layer % pattern < pattern - 1) {
                long window = slidingWindow.getAsLong() * s.parallel() + ubatch(s);
                cells = Math.min(cells, pad(window, s.flashAttention() ? 256 : 32));
            }
        }
        return cells;
    }

    private long batch(LoadSettings s) {
        return Math.min(s.batchSize(), cacheCells(s));
    }

    private long ubatch(LoadSettings s) {
        return Math.min(s.ubatchSize(), batch(s));
    }

    /**
     * The compute buffer llama.cpp reserves for the worst-case graph; what a GPU commits.
     *
     * @param settings the load settings
     * @return its bytes
     */
    public long computeReserveBytes(LoadSettings settings) {
        return computeGraphBytes(settings, ubatch(settings));
    }

    /**
     * The part of the CPU compute buffer that becomes resident while generating (see the class comment).
     *
     * @param settings the load settings
     * @return its bytes
     */
    public long hostComputeBytes(LoadSettings settings) {
        return computeGraphBytes(settings, Math.min(settings.parallel(), ubatch(settings)));
    }

    private long computeGraphBytes(LoadSettings settings, long outputs) {
        long ub = ubatch(settings);
        long cells = cacheCells(settings);
        // Some models (gemma) have wider attention than residual stream: size for the wider one.
        long width = Math.max(embeddingLength, queryWidth);
        long mask = cells * pad(ub, KQ_MASK_PAD) * F32;
        long activation = width * ub * F32;
        long scores = settings.flashAttention() ? 0 : headCount * cells * ub * F32;
        long attention = scores + mask + 4 * activation;
        long ffn = 3 * feedForwardLength * ub * F32 + 2 * activation + mask;
        long output = vocabularySize * outputs * F32 + 2 * activation + mask;
        return Math.max(attention, Math.max(ffn, output));
    }

    /**
     * @param settings the load settings
     * @return the output buffer (see the class comment)
     */
    public long outputBufferBytes(LoadSettings settings) {
        return vocabularySize * settings.parallel() * F32;
    }

    /** @return the fixed runtime overhead of a load (see the class comment) */
    public long overheadBytes() {
        return OVERHEAD_BASE + OVERHEAD_PER_TOKEN * vocabularySize;
    }

    /**
     * Weight bytes streamed from memory to produce one token: every matrix once (only the active
     * share of mixture-of-experts layers), the token embedding only as one row. This is what bounds
     * generation speed on memory bandwidth.
     *
     * @return bytes per generated token, before the KV cache
     */
    public long weightBytesReadPerToken() {
        double sum = otherNonLayerBytes + outputLayerBytes + (double) tokenEmbeddingBytes / vocabularySize;
        for (long w : layerWeights) {
            sum += w;
        }
        sum -= expertWeights * (1.0 - activeExpertShare);
        return (long) sum;
    }

    /**
     * @param settings the load settings; {@link LoadSettings#gpuLayers()} decides what is offloaded
     * @return the memory the load needs, by kind and place
     */
    public MemoryEstimate estimate(LoadSettings settings) {
        Objects.requireNonNull(settings, "settings");
        int offloaded = Math.min(settings.gpuLayers(), blockCount);
        boolean outputOffloaded = settings.gpuLayers() > blockCount;
        int firstGpuLayer = blockCount - offloaded;
        long hostWeights = tokenEmbeddingBytes + otherNonLayerBytes;
        long deviceWeights = 0;
        long hostKv = 0;
        long deviceKv = 0;
        for (int i = 0; i < blockCount; i++) {
            if (i >= firstGpuLayer) {
                deviceWeights += layerWeights[i];
                deviceKv += layerKvBytes(i, settings);
            } else {
                hostWeights += layerWeights[i];
                hostKv += layerKvBytes(i, settings);
            }
        }
        if (outputOffloaded) {
            deviceWeights += outputLayerBytes;
        } else {
            // A tied output matrix on the CPU is the mapped embedding itself: no second copy.
            hostWeights += tiedOutput ? outputLayerBytes - tokenEmbeddingBytes : outputLayerBytes;
        }
        long hostCompute;
        long deviceCompute;
        if (offloaded == 0 && !outputOffloaded) {
            hostCompute = hostComputeBytes(settings);
            deviceCompute = 0;
        } else if (outputOffloaded) {
            // Everything but the embedding lookup runs on the GPU; the CPU keeps the input rows.
            hostCompute = 2 * embeddingLength * ubatch(settings) * F32;
            deviceCompute = computeReserveBytes(settings);
        } else {
            // Split graphs: each side reserves for its own worst case, which can be the whole graph.
            hostCompute = hostComputeBytes(settings);
            deviceCompute = computeReserveBytes(settings);
        }
        return new MemoryEstimate(settings, offloaded, outputOffloaded, hostWeights, deviceWeights, hostKv,
                deviceKv, hostCompute, deviceCompute, outputBufferBytes(settings), overheadBytes());
    }

    private static long pad(long x, long n) {
        return (x + n - 1) / n * n;
    }
}
