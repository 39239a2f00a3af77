package io.github.localllm.gguf;

import io.github.localllm.KvCacheType;
import io.github.localllm.InvalidModelFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The memory a llama.cpp load of one GGUF model needs, computed from its header alone, the way
 * llama.cpp allocates it in the build the load is for ({@link LoadSettings#engineBuild()}: b4916 and
 * b10470 measured, see {@link LlamaCppBuild}; cross-checked with Ollama's {@code llm/memory.go}).
 * Read {@link #of(GgufFile)} once, then ask {@link #estimate(LoadSettings)} for any settings. Without a
 * header (a model not downloaded yet), {@link #fromShape(ModelShape, long, String)} builds the same
 * model from the architecture's hyperparameters, the file size and the quantization's name.
 *
 * <p>The terms, and why each is what it is:
 * <ul>
 * <li><b>Weights</b>: the tensors' bytes as stored; llama.cpp maps the file and runs on the stored
 *     types. Repeating layers are {@code blk.N.*}; llama.cpp offloads the <em>last</em> N of them
 *     ({@code i_gpu_start = n_layer - n_gpu_layers}) and the output layer ({@code output.weight},
 *     {@code output_norm}) only when N exceeds the block count. The token embedding is always on
 *     the CPU (it is a row lookup, not a matrix product). A model without {@code output.weight}
 *     ties it to the token embedding, which llama.cpp then copies to the GPU as the output layer.</li>
 * <li><b>Repacked weights</b>: a build with interleaved CPU kernels for a matrix's type copies the
 *     CPU-resident matrices of that type into a buffer of their own ({@code CPU_REPACK}), beside the
 *     mapped file: {@link LlamaCppBuild#repacks} says which. b10470 on an AVX2 CPU repacks every Q4_K
 *     matrix of a Q4_K_M file, about half of its bytes.</li>
 * <li><b>KV cache</b>: per layer {@code n_embd_k_gqa × cells} K elements and as many V elements,
 *     with {@code n_embd_k_gqa = key_length × head_count_kv} (grouped-query attention shares K/V
 *     heads), {@code cells = context × parallel} padded as the build pads them
 *     ({@link LlamaCppBuild#kvCachePadding}). Sliding-window layers hold only
 *     {@code window × parallel + ubatch} cells on engines that size them so (llama.cpp from May
 *     2025); b4916 gives them the full context. Element sizes: {@link KvCacheType}.</li>
 * <li><b>Compute buffer</b>: ggml's graph allocator reserves one buffer for the worst-case graph (a
 *     full ubatch against the full cache) and reuses it for every decode. It hands out tensors in graph
 *     order from the best-fitting free block and frees each when its last consumer ran, so the buffer is
 *     the highest point that reaches: the live tensors of the worst moment plus the holes left below
 *     them. With {@code A = n_embd × ubatch × 4} (one activation), {@code F = n_ff × ubatch × 4},
 *     {@code KV = (n_embd_k_gqa + n_embd_v_gqa) × ubatch × 4}, the mask {@code M = cells × pad(ubatch, 64)}
 *     (4 bytes an element, 2 for b10470's flash-attention mask) and the logits
 *     {@code L = n_vocab × outputs × 4}, the moments are:
 *     <ul>
 *     <li>attention without flash attention: the scores {@code n_head × cells × ubatch × 4} + M + 4A
 *         (b4916) or + M + 5A + KV (b10470); flash attention never materialises the scores;</li>
 *     <li>feed-forward: M + 2F + 2A in b4916 (SiLU and the product run in place on the gate), M + 3F + 4A
 *         in b10470 (its fused SwiGLU writes a third F-sized tensor, and two A-sized holes below are too
 *         small to take any of them);</li>
 *     <li>output: L + 2A (b10470); L + M in b4916, whose dead mask leaves a hole the last two
 *         activations fill when they fit ({@code + A} for each that does not).</li>
 *     </ul>
 *     Which dominates: the logits whenever every token is output (b4916 always reserves so; b10470 only
 *     for embeddings), the scores from a few thousand cells without flash attention, otherwise the
 *     feed-forward. Checked against the "compute buffer size" both builds logged for 14 llama shapes,
 *     contexts 300 to 4096, flash attention on and off (test resources {@code memory/}): within 5% for
 *     shapes with {@code n_ff ≥ 2 n_embd}, as every released model has. A GPU commits the whole reserve
 *     ({@link #computeReserveBytes}); on the CPU the reserve is virtual and only pages a decode touches
 *     become resident, and a generating decode outputs one row per sequence, so the host term counted
 *     as RAM is the graph with {@code parallel} outputs ({@link #hostComputeBytes}).</li>
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
    private static final int F16 = 2;
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
    private final long valueWidth;
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
    private final List<WeightMatrix> matrices;
    private final String weightFormat;

    private MemoryModel(String architecture, int blockCount, long embeddingLength, long headCount, long keyGqa,
                        long valueGqa, long queryWidth, long valueWidth, boolean tiedOutput, long vocabularySize,
                        long feedForwardLength, OptionalLong trainedContext, OptionalLong slidingWindow,
                        long[] layerWeights, long tokenEmbeddingBytes, long outputLayerBytes, long otherNonLayerBytes,
                        long expertWeights, double activeExpertShare, List<WeightMatrix> matrices, String weightFormat) {
        this.architecture = architecture;
        this.blockCount = blockCount;
        this.embeddingLength = embeddingLength;
        this.headCount = headCount;
        this.keyGqa = keyGqa;
        this.valueGqa = valueGqa;
        this.queryWidth = queryWidth;
        this.valueWidth = valueWidth;
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
        this.matrices = List.copyOf(matrices);
        this.weightFormat = weightFormat;
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
        long valueWidth = m.valueLength().orElse(0) * headCount;

        long[] layerWeights = new long[blockCount];
        long embd = 0;
        long output = 0;
        long other = 0;
        long experts = 0;
        long ffnRows = 0;
        long vocabRows = 0;
        List<WeightMatrix> matrices = new ArrayList<>();
        Map<GgmlType, Long> bytesByType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors()) {
            String name = t.name();
            int layer = layerOf(name);
            boolean matrix = t.dimensions().size() >= 2 && name.endsWith(".weight");
            if (layer >= 0 && layer < blockCount) {
                layerWeights[layer] += t.byteSize();
                if (matrix) {
                    matrices.add(new WeightMatrix(layer, t.type(), t.dimensions().get(1), t.elementCount(),
                            t.byteSize(), name.contains("_exps.")));
                    bytesByType.merge(t.type(), t.byteSize(), Long::sum);
                }
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
                if (matrix && name.equals("output.weight")) {
                    matrices.add(new WeightMatrix(-1, t.type(), t.dimensions().get(1), t.elementCount(), t.byteSize(),
                            false));
                }
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
        if (tiedOutput) {
            // The tied matrix multiplies every token too; it is the embedding (a lookup's buffer, not
            // repacked), so it has no bytes of its own here.
            file.tensor("token_embd.weight").filter(t -> t.dimensions().size() >= 2).ifPresent(t -> matrices.add(
                    new WeightMatrix(-1, t.type(), t.dimensions().get(1), t.elementCount(), 0, false)));
        }
        String format = m.quantizationName().orElseGet(() -> bytesByType.entrySet().stream()
                .max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("unknown"));
        return new MemoryModel(architecture, blockCount, embeddingLength, headCount, keyGqa, valueGqa, queryWidth,
                valueWidth, tiedOutput, vocab, m.feedForwardLength().orElse(ffnRows), m.contextLength(),
                m.slidingWindow(), layerWeights, embd, output, other, experts, activeExpertShare, matrices, format);
    }

    /**
     * A memory model without a header, for a quantization whose name is not known; see
     * {@link #fromShape(ModelShape, long, String)}. No matrix counts as repacked.
     *
     * @param shape the architecture's hyperparameters
     * @param fileBytes the GGUF file's size in bytes
     * @return its memory model
     */
    public static MemoryModel fromShape(ModelShape shape, long fileBytes) {
        return fromShape(shape, fileBytes, null);
    }

    /**
     * A memory model without a header: from the architecture's hyperparameters (a catalog entry, a
     * {@code config.json}), the size of the quantized file and its quantization's name, for models not
     * downloaded yet.
     *
     * <p>Weights are the file's size, split the way llama.cpp places them: the token embedding (and the
     * output matrix, unless tied) get {@code vocabularySize × embeddingLength} weights at the file's
     * average bytes per weight ({@code fileBytes / }{@link ModelShape#parameterCount()}), the rest is
     * shared equally by the repeating layers. Quantization mixes make the real split differ a little (an
     * output matrix is often kept at Q6_K in a Q4_K_M file), and the header's bytes count as layer weights;
     * both move bytes between host and device by a few percent at most. Each matrix's type, which decides
     * what a CPU build repacks, comes from the quantization's name as {@code llama-quantize} assigns
     * types. KV cache, compute and output buffers and overhead depend only on the shape and are computed
     * exactly as for {@link #of(GgufFile)}. Mixture-of-experts routing is not part of a shape, so every
     * weight counts as read per token.
     *
     * @param shape the architecture's hyperparameters
     * @param fileBytes the GGUF file's size in bytes
     * @param quantization the file's quantization, e.g. {@code Q4_K_M}, or {@code null} when unknown
     * @return its memory model
     */
    public static MemoryModel fromShape(ModelShape shape, long fileBytes, String quantization) {
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
        Optional<QuantRecipe> recipe = QuantRecipe.of(quantization);
        // An unknown quantization is typed F16, which no build repacks; only the elements count then.
        List<WeightMatrix> matrices = new ArrayList<>(recipe.orElseGet(() -> QuantRecipe.of("F16").orElseThrow())
                .matrices(shape));
        if (shape.tiedEmbeddings()) {
            // The embedding multiplies every token as the output matrix; no bytes of its own to repack.
            matrices.add(new WeightMatrix(-1, GgmlType.F32, shape.vocabularySize(), shape.embeddingParameterCount(), 0,
                    false));
        }
        String format = recipe.map(r -> r.fileType().shortName()).orElse(quantization == null ? "unknown" : quantization);
        return new MemoryModel(shape.architecture(), shape.blockCount(), shape.embeddingLength(), shape.headCount(),
                shape.keyLength() * shape.headCountKv(), shape.valueLength() * shape.headCountKv(),
                shape.keyLength() * shape.headCount(), shape.valueLength() * shape.headCount(), shape.tiedEmbeddings(),
                shape.vocabularySize(), shape.feedForwardLength(), shape.contextLength(), shape.slidingWindow(),
                layerWeights, embd, output, 0, 0, 1.0, matrices, format);
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
        return pad(s.totalContext(), s.engineBuild().kvCachePadding(s.flashAttention()));
    }

    private long layerCells(int layer, LoadSettings s) {
        long cells = cacheCells(s);
        if (s.slidingWindowCache() && hasSlidingWindowLayers()) {
            int pattern = SWA_PATTERNS.get(architecture);
            if (layer % pattern < pattern - 1) {
                long window = slidingWindow.getAsLong() * s.parallel() + ubatch(s);
                cells = Math.min(cells, pad(window, s.engineBuild().kvCachePadding(s.flashAttention())));
            }
        }
        return cells;
    }

    /** llama.cpp caps the batch at the context asked for (before padding). */
    private long batch(LoadSettings s) {
        return Math.min(s.batchSize(), s.totalContext());
    }

    private long ubatch(LoadSettings s) {
        return Math.min(s.ubatchSize(), batch(s));
    }

    /**
     * The compute buffer llama.cpp reserves for the worst-case graph, as it logs it ({@code compute
     * buffer size}); what a GPU commits.
     *
     * @param settings the load settings
     * @return its bytes
     */
    public long computeReserveBytes(LoadSettings settings) {
        long ub = ubatch(settings);
        boolean everyToken = settings.engineBuild().reservesEveryOutput(settings.embeddings());
        return computeGraphBytes(settings, everyToken ? ub : Math.min(settings.parallel(), ub));
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

    /** The largest of the graph's moments (see the class comment). */
    private long computeGraphBytes(LoadSettings s, long outputs) {
        long ub = ubatch(s);
        long cells = cacheCells(s);
        // Some models (gemma) have wider attention than residual stream: size for the wider one.
        long a = Math.max(embeddingLength, queryWidth) * ub * F32;
        long f = feedForwardLength * ub * F32;
        long kv = (keyGqa + valueGqa) * ub * F32;
        long maskCells = cells * pad(ub, KQ_MASK_PAD);
        long logits = vocabularySize * outputs * F32;
        long scores = headCount * cells * ub * F32;
        boolean flash = s.flashAttention();
        if (s.engineBuild().current()) {
            long mask = maskCells * (flash ? F16 : F32);
            long attention = flash ? mask + 4 * a + kv : scores + mask + 5 * a + kv;
            long ffn = mask + 3 * f + 4 * a;
            long output = logits + 2 * a;
            return Math.max(attention, Math.max(ffn, output));
        }
        // b4916 keeps an f32 mask and, with flash attention, an f16 copy of it.
        long mask = maskCells * F32 + (flash ? maskCells * F16 : 0);
        long attention = flash ? mask + 3 * a : scores + mask + 4 * a;
        long ffn = mask + 2 * f + 2 * a;
        long unfitting = a == 0 ? 0 : 2 - Math.min(2, mask / a);
        long output = logits + maskCells * F32 + unfitting * a;
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
     * Weights multiplied per generated token: every matrix of the repeating layers (only the active share
     * of mixture-of-experts layers) and the output matrix; the token embedding is a lookup, not a product.
     *
     * @return multiply-adds per token in the matrix products
     */
    public long matrixWeightsPerToken() {
        double sum = 0;
        for (WeightMatrix w : matrices) {
            sum += w.expert() ? w.elements() * activeExpertShare : w.elements();
        }
        return (long) sum;
    }

    /**
     * The arithmetic of one generated token: two operations per multiply-add of the matrix products, and
     * attention's two products ({@code Q·Kᵀ} and the weighted sum of V) over the cached tokens.
     *
     * @param cachedTokens tokens already in the context the new token attends to
     * @return floating-point operations per token
     */
    public double flopsPerToken(long cachedTokens) {
        double attention = 2.0 * blockCount * (queryWidth + valueWidth) * Math.max(0, cachedTokens);
        return 2.0 * matrixWeightsPerToken() + attention;
    }

    /**
     * The matrix products' weights per token by type: the share of the arithmetic each type's kernels do
     * (an expert matrix counts by its active share).
     *
     * @return multiply-adds per token by weight type
     */
    public Map<GgmlType, Long> matrixWeightsByType() {
        Map<GgmlType, Long> byType = new EnumMap<>(GgmlType.class);
        for (WeightMatrix w : matrices) {
            long n = w.expert() ? (long) (w.elements() * activeExpertShare) : w.elements();
            byType.merge(w.type(), n, Long::sum);
        }
        return byType;
    }

    /**
     * @return the weights' quantization as people name it: {@code general.file_type} (e.g. {@code Q4_K_M}),
     *         else the type holding the most layer bytes, or the name given to {@link #fromShape}
     */
    public String weightFormat() {
        return weightFormat;
    }

    /**
     * The bytes of the matrices a CPU build copies into its repack buffer (see {@link LlamaCppBuild#repacks}).
     *
     * @param settings the load settings: the build, the CPU's instruction sets, and the offloaded layers
     *        (whose matrices are not on the CPU)
     * @return the repack buffer's bytes
     */
    public long repackBytes(LoadSettings settings) {
        int offloaded = Math.min(settings.gpuLayers(), blockCount);
        boolean outputOffloaded = settings.gpuLayers() > blockCount;
        int firstGpuLayer = blockCount - offloaded;
        long sum = 0;
        for (WeightMatrix w : matrices) {
            boolean onCpu = w.layer() >= 0 ? w.layer() < firstGpuLayer : !outputOffloaded;
            if (onCpu && settings.engineBuild().repacks(w.type(), w.rows(), settings.cpuFeatures())) {
                sum += w.bytes();
            }
        }
        return sum;
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
        long hostReserve;
        long deviceCompute;
        if (offloaded == 0 && !outputOffloaded) {
            hostCompute = hostComputeBytes(settings);
            hostReserve = computeReserveBytes(settings);
            deviceCompute = 0;
        } else if (outputOffloaded) {
            // Everything but the embedding lookup runs on the GPU; the CPU keeps the input rows.
            hostCompute = 2 * embeddingLength * ubatch(settings) * F32;
            hostReserve = hostCompute;
            deviceCompute = computeReserveBytes(settings);
        } else {
            // Split graphs: each side reserves for its own worst case, which can be the whole graph.
            hostCompute = hostComputeBytes(settings);
            hostReserve = computeReserveBytes(settings);
            deviceCompute = computeReserveBytes(settings);
        }
        return new MemoryEstimate(settings, offloaded, outputOffloaded, hostWeights, deviceWeights,
                repackBytes(settings), hostKv, deviceKv, hostCompute, Math.max(hostCompute, hostReserve), deviceCompute,
                outputBufferBytes(settings), overheadBytes());
    }

    private static long pad(long x, long n) {
        return (x + n - 1) / n * n;
    }
}
