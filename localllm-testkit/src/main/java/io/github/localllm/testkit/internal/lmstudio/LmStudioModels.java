package io.github.localllm.testkit.internal.lmstudio;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** LM Studio's model listings: REST v0 ({@code data}, {@code state}) and v1 ({@code models}, {@code loaded_instances}). */
final class LmStudioModels {
    private LmStudioModels() {
    }

    /**
     * fixtures/lmstudio/v0-models-response.json; {@code loaded_context_length} only when loaded
     * (v0-models-response-loaded-constructed.json).
     */
    static JsonObject v0(FakeModel m, Integer loadedContext) {
        return new JsonObject().put("id", m.name()).put("object", "model").put("type", m.embedding() ? "embeddings" : "llm")
                .put("publisher", publisher(m)).put("arch", m.family()).put("compatibility_type", "gguf")
                .put("quantization", m.quantization()).put("state", loadedContext != null ? "loaded" : "not-loaded")
                .put("max_context_length", m.contextLength()).putIf(loadedContext != null, "loaded_context_length", loadedContext);
    }

    /** fixtures/lmstudio/v1-models-response.json: embedding models have no architecture, capabilities or description. */
    static JsonObject v1(FakeModel m, Integer loadedContext) {
        List<Object> instances = new ArrayList<>();
        if (loadedContext != null) {
            instances.add(new JsonObject().put("id", m.name()).put("config", new JsonObject()
                    .put("context_length", loadedContext).put("eval_batch_size", 512).put("parallel", 4)
                    .put("flash_attention", true).put("offload_kv_cache_to_gpu", true)));
        }
        JsonObject o = new JsonObject().put("type", m.embedding() ? "embedding" : "llm").put("publisher", publisher(m))
                .put("key", m.name()).put("display_name", displayName(m.name()));
        if (!m.embedding()) {
            o.put("architecture", m.family());
        }
        o.put("quantization", new JsonObject().put("name", m.quantization()).put("bits_per_weight", bitsPerWeight(m.quantization())))
                .put("size_bytes", m.sizeBytes()).put("params_string", m.parameterSize()).put("loaded_instances", instances)
                .put("max_context_length", m.contextLength()).put("format", "gguf");
        if (!m.embedding()) {
            o.put("capabilities", new JsonObject().put("vision", false).put("trained_for_tool_use", true))
                    .put("description", null);
        }
        return o;
    }

    static String publisher(FakeModel m) {
        int slash = m.name().indexOf('/');
        return slash > 0 ? m.name().substring(0, slash) : "lmstudio-community";
    }

    /** "google/gemma-4-26b-a4b" → "Gemma 4 26B A4B", as LM Studio titles its catalog entries. */
    static String displayName(String key) {
        String last = key.substring(key.lastIndexOf('/') + 1);
        List<String> words = new ArrayList<>();
        for (String w : last.split("[-_]")) {
            if (w.isEmpty()) {
                continue;
            }
            words.add(w.matches("[a-z]?\\d+(\\.\\d+)?[bmk]") ? w.toUpperCase(Locale.ROOT)
                    : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return String.join(" ", words);
    }

    static int bitsPerWeight(String quantization) {
        String q = quantization.toUpperCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[A-Z]*?(\\d+)").matcher(q);
        return m.find() ? Integer.parseInt(m.group(1)) : 4;
    }
}
