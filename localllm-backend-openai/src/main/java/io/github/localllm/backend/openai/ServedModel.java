package io.github.localllm.backend.openai;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.ModelSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One entry of {@code GET /v1/models}, with what each server adds: llama.cpp's {@code meta}
 * ({@code n_ctx_train}, {@code n_params}, {@code size}, {@code ftype}, {@code n_embd}), vLLM's
 * {@code max_model_len}. llama.cpp's Ollama-style {@code models} list is not read: it says
 * {@code completion} for a model the server embeds with when started with {@code --embeddings}.
 *
 * @param id the model's id, as requests name it
 * @param aliases other names the server takes for it (llama.cpp)
 * @param sizeBytes its file's size, or {@code -1}
 * @param parameterCount its parameters, or {@code -1}
 * @param quantization its weight format such as {@code Q4_K_M}, or empty
 * @param trainedContext the context it was trained for, or {@code -1}
 * @param servedContext the context the server gives it, or {@code -1}
 * @param embeddingLength the width of its embeddings, or {@code -1}
 * @param vocabularySize the tokens its vocabulary holds (llama.cpp's {@code n_vocab}), or {@code -1}
 */
record ServedModel(String id, List<String> aliases, long sizeBytes, long parameterCount, String quantization,
                   int trainedContext, int servedContext, int embeddingLength, int vocabularySize) {

    /** llama.cpp's file-type names (llama_model_ftype_name) to the usual quantization names. */
    private static final Map<String, String> FTYPES = Map.ofEntries(Map.entry("all F32", "F32"),
            Map.entry("Q2_K - Medium", "Q2_K"), Map.entry("Q2_K - Small", "Q2_K_S"), Map.entry("Q3_K - Small", "Q3_K_S"),
            Map.entry("Q3_K - Medium", "Q3_K_M"), Map.entry("Q3_K - Large", "Q3_K_L"), Map.entry("Q4_K - Small", "Q4_K_S"),
            Map.entry("Q4_K - Medium", "Q4_K_M"), Map.entry("Q5_K - Small", "Q5_K_S"), Map.entry("Q5_K - Medium", "Q5_K_M"));

    /** @return every entry of a {@code GET /v1/models} answer */
    static List<ServedModel> list(JsonNode answer) {
        List<ServedModel> models = new ArrayList<>();
        for (JsonNode entry : answer.path("data")) {
            String id = entry.path("id").asString("");
            if (id.isEmpty()) {
                continue;
            }
            List<String> aliases = new ArrayList<>();
            entry.path("aliases").forEach(a -> aliases.add(a.asString("")));
            JsonNode meta = entry.path("meta");
            int trained = meta.path("n_ctx_train").asInt(-1);
            int served = meta.path("n_ctx").asInt(entry.path("max_model_len").asInt(-1));
            if (trained <= 0 && entry.path("max_model_len").isNumber()) {
                trained = entry.path("max_model_len").asInt();
            }
            String ftype = meta.path("ftype").asString("");
            models.add(new ServedModel(id, aliases, meta.path("size").asLong(-1), meta.path("n_params").asLong(-1),
                    FTYPES.getOrDefault(ftype, ftype), trained, served, meta.path("n_embd").asInt(-1),
                    meta.path("n_vocab").asInt(-1)));
        }
        return models;
    }

    /**
     * @param name a name as a user gives it
     * @return whether this is the model it names: its id, an alias, or (llama.cpp names its model by
     *     its path) the file name with or without {@code .gguf}
     */
    boolean answersTo(String name) {
        if (id.equals(name) || aliases.contains(name)) {
            return true;
        }
        String file = id.substring(Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\')) + 1);
        return !file.equals(id) && (file.equals(name) || file.equals(name + ".gguf"))
                || file.endsWith(".gguf") && file.substring(0, file.length() - 5).equals(name);
    }

    /** @param loaded whether it is in memory @return its summary */
    ModelSummary summary(boolean loaded) {
        return ModelSummary.builder(ModelRef.name(id)).sizeBytes(sizeBytes).parameterSize(parameterSize())
                .quantization(quantization).contextLength(trainedContext).loaded(loaded).build();
    }

    /** @return the parameter count as people write it, such as {@code 134M} or {@code 7.6B}; empty if unknown */
    String parameterSize() {
        if (parameterCount <= 0) {
            return "";
        }
        String[] units = {"", "K", "M", "B", "T"};
        double v = parameterCount;
        int unit = 0;
        while (v >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        String number = v >= 100 || v == Math.rint(v) ? String.valueOf(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
        return number + units[unit];
    }
}
