package io.github.localllm.gguf;

import io.github.localllm.InvalidModelFileException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed access to the standard GGUF keys ({@code general.*}, {@code <arch>.*}, {@code tokenizer.*}).
 * A missing key is an empty optional, never a guess; the only defaults are the ones the format
 * defines (head_count_kv = head_count, key/value length = embedding length / head count).
 * Counts are accepted in any integer type because real files use u16, u32, i32 and u64.
 */
public final class ModelMetadata {
    private final GgufMetadata md;
    private final List<GgufTensorInfo> tensors;

    ModelMetadata(GgufMetadata md, List<GgufTensorInfo> tensors) {
        this.md = md;
        this.tensors = tensors;
    }

    /** @return {@code general.architecture}, e.g. {@code llama} */
    public Optional<String> architecture() {
        return md.getString("general.architecture");
    }

    /** @return {@code general.name} */
    public Optional<String> name() {
        return md.getString("general.name");
    }

    /** @return the raw {@code general.file_type} (a llama_ftype id) */
    public OptionalLong fileTypeId() {
        return md.getLong("general.file_type");
    }

    /** @return {@code general.file_type} when it is a known llama_ftype */
    public Optional<FileType> fileType() {
        OptionalLong id = fileTypeId();
        return id.isPresent() ? FileType.byId(id.getAsLong()) : Optional.empty();
    }

    /** @return the quantization name from {@code general.file_type}, e.g. {@code Q4_K_M} */
    public Optional<String> quantizationName() {
        return fileType().map(FileType::shortName);
    }

    /** @return {@code general.quantization_version} */
    public OptionalLong quantizationVersion() {
        return md.getLong("general.quantization_version");
    }

    /** @return {@code general.parameter_count} when present, otherwise the sum of all tensors' element counts */
    public long parameterCount() {
        OptionalLong stored = md.getLong("general.parameter_count");
        if (stored.isPresent()) {
            return stored.getAsLong();
        }
        long sum = 0;
        for (GgufTensorInfo t : tensors) {
            sum += t.elementCount();
        }
        return sum;
    }

    /** @return {@code <arch>.context_length}: the training context */
    public OptionalLong contextLength() {
        return archCount("context_length");
    }

    /** @return {@code <arch>.block_count}: the number of layers */
    public OptionalLong blockCount() {
        return archCount("block_count");
    }

    /** @return {@code <arch>.embedding_length} */
    public OptionalLong embeddingLength() {
        return archCount("embedding_length");
    }

    /** @return {@code <arch>.feed_forward_length} (the largest entry when stored per layer) */
    public OptionalLong feedForwardLength() {
        return archCount("feed_forward_length");
    }

    /** @return {@code <arch>.attention.head_count} (the largest entry when stored per layer) */
    public OptionalLong headCount() {
        return archCount("attention.head_count");
    }

    /** @return {@code <arch>.attention.head_count_kv}, defaulting to the head count as the format specifies */
    public OptionalLong headCountKv() {
        OptionalLong kv = archCount("attention.head_count_kv");
        return kv.isPresent() ? kv : headCount();
    }

    /** @return {@code <arch>.attention.key_length}, defaulting to embedding length / head count */
    public OptionalLong keyLength() {
        OptionalLong k = archCount("attention.key_length");
        return k.isPresent() ? k : headDimension();
    }

    /** @return {@code <arch>.attention.value_length}, defaulting to embedding length / head count */
    public OptionalLong valueLength() {
        OptionalLong v = archCount("attention.value_length");
        return v.isPresent() ? v : headDimension();
    }

    /** @return {@code <arch>.rope.dimension_count} */
    public OptionalLong ropeDimensionCount() {
        return archCount("rope.dimension_count");
    }

    /** @return {@code <arch>.attention.sliding_window} */
    public OptionalLong slidingWindow() {
        return archCount("attention.sliding_window");
    }

    /** @return {@code <arch>.expert_count} (mixture of experts) */
    public OptionalLong expertCount() {
        return archCount("expert_count");
    }

    /** @return the number of entries in {@code tokenizer.ggml.tokens}, else {@code <arch>.vocab_size} */
    public OptionalLong vocabularySize() {
        Optional<GgufArray> tokens = md.getArray("tokenizer.ggml.tokens");
        if (tokens.isPresent()) {
            return OptionalLong.of(tokens.get().size());
        }
        return archCount("vocab_size");
    }

    /** @return {@code tokenizer.ggml.model}, e.g. {@code gpt2} or {@code llama} */
    public Optional<String> tokenizerModel() {
        return md.getString("tokenizer.ggml.model");
    }

    /** @return {@code tokenizer.ggml.pre}, the pre-tokenizer name */
    public Optional<String> tokenizerPre() {
        return md.getString("tokenizer.ggml.pre");
    }

    /** @return the vocabulary ({@code tokenizer.ggml.tokens}), decoded lazily */
    public Optional<List<String>> tokens() {
        return md.getArray("tokenizer.ggml.tokens").map(GgufArray::asStringList);
    }

    /** @return {@code tokenizer.chat_template} (Jinja) */
    public Optional<String> chatTemplate() {
        return md.getString("tokenizer.chat_template");
    }

    /** @return {@code tokenizer.ggml.bos_token_id} */
    public OptionalLong bosTokenId() {
        return md.getLong("tokenizer.ggml.bos_token_id");
    }

    /** @return {@code tokenizer.ggml.eos_token_id} */
    public OptionalLong eosTokenId() {
        return md.getLong("tokenizer.ggml.eos_token_id");
    }

    /** @return {@code tokenizer.ggml.unknown_token_id} */
    public OptionalLong unknownTokenId() {
        return md.getLong("tokenizer.ggml.unknown_token_id");
    }

    /** @return {@code tokenizer.ggml.padding_token_id} */
    public OptionalLong paddingTokenId() {
        return md.getLong("tokenizer.ggml.padding_token_id");
    }

    /** @return {@code tokenizer.ggml.separator_token_id}, or llama.cpp's spelling {@code seperator_token_id} */
    public OptionalLong separatorTokenId() {
        OptionalLong s = md.getLong("tokenizer.ggml.separator_token_id");
        return s.isPresent() ? s : md.getLong("tokenizer.ggml.seperator_token_id");
    }

    /** @return {@code tokenizer.ggml.add_bos_token} */
    public Optional<Boolean> addBosToken() {
        return md.getBool("tokenizer.ggml.add_bos_token");
    }

    /** @return {@code tokenizer.ggml.add_eos_token} */
    public Optional<Boolean> addEosToken() {
        return md.getBool("tokenizer.ggml.add_eos_token");
    }

    private OptionalLong headDimension() {
        OptionalLong embd = embeddingLength();
        OptionalLong heads = headCount();
        if (embd.isEmpty() || heads.isEmpty() || heads.getAsLong() == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(embd.getAsLong() / heads.getAsLong());
    }

    /** Reads {@code <arch>.<suffix>} as a count: any integer type, or the maximum of an integer array. */
    private OptionalLong archCount(String suffix) {
        Optional<String> arch = architecture();
        if (arch.isEmpty()) {
            return OptionalLong.empty();
        }
        String key = arch.get() + "." + suffix;
        Optional<GgufValue> value = md.get(key);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        if (value.get() instanceof GgufArray a && a.elementType().isInteger()) {
            long max = Long.MIN_VALUE;
            for (int i = 0; i < a.size(); i++) {
                max = Math.max(max, a.getLong(i));
            }
            return a.size() == 0 ? OptionalLong.empty() : OptionalLong.of(max);
        }
        if (value.get() instanceof GgufValue.IntValue) {
            return md.getLong(key);
        }
        throw new InvalidModelFileException(md.file(), key, -1, "has type " + value.get().type()
                + " but a count (integer) was expected; the file was written by a non-conforming tool, re-convert it");
    }
}
