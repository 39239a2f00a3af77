package io.github.localllm.gguf;

import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A llama-architecture GGUF model with random weights and a working tokenizer, for tests and
 * benchmarks: llama.cpp loads it, tokenizes and detokenizes text losslessly, applies its ChatML
 * template and generates (meaningless) tokens. The same settings and seed always give the same bytes.
 *
 * <p>The tokenizer is a byte-level BPE ({@code tokenizer.ggml.model = gpt2}, pre-tokenizer
 * {@code default}) with all 256 byte tokens, so any text round-trips, plus the control tokens
 * {@code <|endoftext|>} (bos, padding), {@code <|im_start|>} and {@code <|im_end|>} (eos).
 */
public final class SyntheticModel {
    /** The ChatML template written by default; llama.cpp's Jinja engine accepts it. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
            + "{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
            + "{% endif %}";

    private static final double WEIGHT_STD = 0.02;

    private final String name;
    private final int embeddingLength;
    private final int blockCount;
    private final int headCount;
    private final int headCountKv;
    private final int feedForwardLength;
    private final int contextLength;
    private final int vocabularySize;
    private final GgmlType tensorType;
    private final long seed;
    private final String chatTemplate;

    private SyntheticModel(Builder b) {
        this.name = b.name;
        this.embeddingLength = b.embeddingLength;
        this.blockCount = b.blockCount;
        this.headCount = b.headCount;
        this.headCountKv = b.headCountKv == 0 ? b.headCount : b.headCountKv;
        this.feedForwardLength = b.feedForwardLength;
        this.contextLength = b.contextLength;
        this.vocabularySize = b.vocabularySize;
        this.tensorType = b.tensorType;
        this.seed = b.seed;
        this.chatTemplate = b.chatTemplate;
        check(embeddingLength > 0 && blockCount > 0 && headCount > 0 && headCountKv > 0 && feedForwardLength > 0
                && contextLength > 0, "all dimensions must be positive");
        check(embeddingLength % headCount == 0, "embedding length " + embeddingLength
                + " must be a multiple of the head count " + headCount);
        check(headCount % headCountKv == 0, "head count " + headCount + " must be a multiple of head count kv "
                + headCountKv);
        check((embeddingLength / headCount) % 2 == 0, "head dimension " + embeddingLength / headCount
                + " must be even for RoPE");
        check(tensorType == GgmlType.F32 || tensorType == GgmlType.F16 || tensorType == GgmlType.Q8_0,
                "tensor type must be F32, F16 or Q8_0, not " + tensorType);
        ByteLevelBpeVocabulary.of(vocabularySize); // validates the size early
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return a builder with small defaults (64-wide, 2 layers, 512 tokens, F32) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a model of about 0.13M parameters, a file well under 1 MB that writes in milliseconds */
    public static SyntheticModel tiny() {
        return builder().name("synthetic-tiny").build();
    }

    /**
     * Picks dimensions for a model of roughly {@code target} parameters (within a few percent for
     * targets of 10M and up) with llama-like proportions: width a multiple of 64, 64-wide heads,
     * grouped-query attention, feed-forward about 8/3 of the width, a 32000-token vocabulary from
     * 50M parameters (8192 below). Returns a builder so the tensor type, seed and name can be set.
     *
     * @param target the wanted parameter count, at least 1M
     * @return a builder with those dimensions, F32 tensors and context length 2048
     */
    public static Builder withParameterCount(long target) {
        if (target < 1_000_000) {
            throw new IllegalArgumentException("target must be at least 1,000,000 parameters; use tiny() or "
                    + "builder() for smaller models");
        }
        int vocab = target < 50_000_000 ? 8192 : 32000;
        Builder best = null;
        long bestDiff = Long.MAX_VALUE;
        for (int embd = 128; embd <= 8192; embd += 64) {
            for (int layers = Math.max(2, embd / 128); layers <= Math.max(2, embd / 32); layers++) {
                int heads = embd / 64;
                int kvHeads = heads % 2 == 0 ? heads / 2 : heads;
                int ff = roundUp(embd * 8 / 3, 64);
                long diff = Math.abs(parameterCount(embd, layers, 64L * kvHeads, ff, vocab) - target);
                if (diff < bestDiff) {
                    bestDiff = diff;
                    best = builder().embeddingLength(embd).blockCount(layers).headCount(heads).headCountKv(kvHeads)
                            .feedForwardLength(ff).vocabularySize(vocab).contextLength(2048)
                            .name("synthetic-" + (target / 1_000_000) + "M");
                }
            }
        }
        return best;
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** @return a builder preset to this model's settings */
    public Builder toBuilder() {
        return builder().name(name).embeddingLength(embeddingLength).blockCount(blockCount).headCount(headCount)
                .headCountKv(headCountKv).feedForwardLength(feedForwardLength).contextLength(contextLength)
                .vocabularySize(vocabularySize).tensorType(tensorType).seed(seed).chatTemplate(chatTemplate);
    }

    /** @return the exact number of weights across all tensors */
    public long parameterCount() {
        return parameterCount(embeddingLength, blockCount, (long) headDimension() * headCountKv, feedForwardLength,
                vocabularySize);
    }

    private static long parameterCount(long e, long layers, long kvWidth, long ff, long vocab) {
        long perLayer = 2 * e + 2 * e * e + 2 * e * kvWidth + 3 * e * ff;
        return 2 * e * vocab + e + layers * perLayer;
    }

    /** @return embedding length / head count */
    public int headDimension() {
        return embeddingLength / headCount;
    }

    /** @return {@code general.name} */
    public String name() {
        return name;
    }

    /** @return the model width */
    public int embeddingLength() {
        return embeddingLength;
    }

    /** @return the number of layers */
    public int blockCount() {
        return blockCount;
    }

    /** @return the number of attention heads */
    public int headCount() {
        return headCount;
    }

    /** @return the number of key/value heads */
    public int headCountKv() {
        return headCountKv;
    }

    /** @return the feed-forward width */
    public int feedForwardLength() {
        return feedForwardLength;
    }

    /** @return the training context length written to the file */
    public int contextLength() {
        return contextLength;
    }

    /** @return the number of tokens */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** @return the type of the weight matrices (norms are always F32) */
    public GgmlType tensorType() {
        return tensorType;
    }

    /** @return the random seed */
    public long seed() {
        return seed;
    }

    /** @return the Jinja chat template */
    public String chatTemplate() {
        return chatTemplate;
    }

    /**
     * Writes the model atomically.
     *
     * @param file the destination, replaced if present
     * @return the file size in bytes
     */
    public long write(Path file) {
        return writer().write(file);
    }

    /** @return a writer holding this model's metadata and (lazily generated) tensors */
    public GgufWriter writer() {
        ByteLevelBpeVocabulary vocab = ByteLevelBpeVocabulary.of(vocabularySize);
        GgufWriter w = GgufWriter.create()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUInt32("general.file_type", fileType().id())
                .putUInt64("general.parameter_count", parameterCount());
        if (tensorType.isQuantized()) {
            w.putUInt32("general.quantization_version", 2);
        }
        w.putUInt32("llama.context_length", contextLength)
                .putUInt32("llama.embedding_length", embeddingLength)
                .putUInt32("llama.block_count", blockCount)
                .putUInt32("llama.feed_forward_length", feedForwardLength)
                .putUInt32("llama.attention.head_count", headCount)
                .putUInt32("llama.attention.head_count_kv", headCountKv)
                .putUInt32("llama.rope.dimension_count", headDimension())
                .putFloat32("llama.rope.freq_base", 10000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", vocabularySize)
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "default")
                .put("tokenizer.ggml.tokens", GgufArray.ofStrings(vocab.tokens()))
                .put("tokenizer.ggml.token_type", GgufArray.ofIntegers(GgufValueType.INT32, vocab.tokenTypes()))
                .put("tokenizer.ggml.merges", GgufArray.ofStrings(vocab.merges()))
                .putUInt32("tokenizer.ggml.bos_token_id", vocab.endOfTextId())
                .putUInt32("tokenizer.ggml.eos_token_id", vocab.imEndId())
                .putUInt32("tokenizer.ggml.padding_token_id", vocab.endOfTextId())
                .putBool("tokenizer.ggml.add_bos_token", false)
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putString("tokenizer.chat_template", chatTemplate);

        long e = embeddingLength;
        long kv = (long) headDimension() * headCountKv;
        int[] index = {0};
        addMatrix(w, "token_embd.weight", e, vocabularySize, index);
        addNorm(w, "output_norm.weight", e);
        addMatrix(w, "output.weight", e, vocabularySize, index);
        for (int i = 0; i < blockCount; i++) {
            String p = "blk." + i + ".";
            addNorm(w, p + "attn_norm.weight", e);
            addMatrix(w, p + "attn_q.weight", e, e, index);
            addMatrix(w, p + "attn_k.weight", e, kv, index);
            addMatrix(w, p + "attn_v.weight", e, kv, index);
            addMatrix(w, p + "attn_output.weight", e, e, index);
            addNorm(w, p + "ffn_norm.weight", e);
            addMatrix(w, p + "ffn_gate.weight", e, feedForwardLength, index);
            addMatrix(w, p + "ffn_down.weight", feedForwardLength, e, index);
            addMatrix(w, p + "ffn_up.weight", e, feedForwardLength, index);
        }
        return w;
    }

    private FileType fileType() {
        return switch (tensorType) {
            case F16 -> FileType.MOSTLY_F16;
            case Q8_0 -> FileType.MOSTLY_Q8_0;
            default -> FileType.ALL_F32;
        };
    }

    private static void addNorm(GgufWriter w, String name, long n) {
        // RMS-norm weights of 1 keep activations at the scale the random matrices produce.
        w.addTensor(name, GgmlType.F32, new long[] {n}, TensorData.generated(GgmlType.F32, n,
                (chunk, count) -> java.util.Arrays.fill(chunk, 0, count, 1f)));
    }

    private void addMatrix(GgufWriter w, String name, long cols, long rows, int[] index) {
        // Like real converters: a row length that does not fill whole blocks falls back to F16.
        GgmlType type = cols % tensorType.blockSize() == 0 ? tensorType : GgmlType.F16;
        SplittableRandom random = new SplittableRandom(mix(seed, index[0]++));
        float scale = (float) (WEIGHT_STD * Math.sqrt(3) / 2147483648.0); // uniform with the wanted std
        w.addTensor(name, type, new long[] {cols, rows}, TensorData.generated(type, cols * rows, (chunk, count) -> {
            for (int i = 0; i < count; i++) {
                chunk[i] = random.nextInt() * scale;
            }
        }));
    }

    private static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "SyntheticModel[" + name + ", " + parameterCount() + " params, embd=" + embeddingLength + ", layers="
                + blockCount + ", heads=" + headCount + "/" + headCountKv + ", ff=" + feedForwardLength + ", vocab="
                + vocabularySize + ", " + tensorType + "]";
    }

    /** Settings for a {@link SyntheticModel}; every setting has a small default. */
    public static final class Builder {
        private String name = "synthetic";
        private int embeddingLength = 64;
        private int blockCount = 2;
        private int headCount = 4;
        private int headCountKv = 2;
        private int feedForwardLength = 128;
        private int contextLength = 2048;
        private int vocabularySize = 512;
        private GgmlType tensorType = GgmlType.F32;
        private long seed = 42;
        private String chatTemplate = CHATML_TEMPLATE;

        private Builder() {
        }

        /** @param name {@code general.name} @return this builder */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param n model width, a multiple of the head count @return this builder */
        public Builder embeddingLength(int n) {
            this.embeddingLength = n;
            return this;
        }

        /** @param n number of layers @return this builder */
        public Builder blockCount(int n) {
            this.blockCount = n;
            return this;
        }

        /** @param n attention heads @return this builder */
        public Builder headCount(int n) {
            this.headCount = n;
            return this;
        }

        /** @param n key/value heads, dividing the head count; 0 means equal to it @return this builder */
        public Builder headCountKv(int n) {
            this.headCountKv = n;
            return this;
        }

        /** @param n feed-forward width @return this builder */
        public Builder feedForwardLength(int n) {
            this.feedForwardLength = n;
            return this;
        }

        /** @param n training context length to record @return this builder */
        public Builder contextLength(int n) {
            this.contextLength = n;
            return this;
        }

        /** @param n vocabulary size, at least 259 @return this builder */
        public Builder vocabularySize(int n) {
            this.vocabularySize = n;
            return this;
        }

        /** @param type F32, F16 or Q8_0 for the weight matrices @return this builder */
        public Builder tensorType(GgmlType type) {
            this.tensorType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** @param seed the random seed for the weights @return this builder */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param template a Jinja chat template @return this builder */
        public Builder chatTemplate(String template) {
            this.chatTemplate = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * @return the model
         * @throws IllegalArgumentException if the dimensions are inconsistent
         */
        public SyntheticModel build() {
            return new SyntheticModel(this);
        }
    }
}
