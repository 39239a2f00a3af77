package io.github.localllm.backend.lmstudio;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A model of LM Studio's {@code GET /api/v0/models} (lmstudio/v0-models-response.json and
 * v0-models-response-loaded-constructed.json).
 *
 * @param id the model's id, as requests name it
 * @param type {@code llm}, {@code vlm} or {@code embeddings}
 * @param arch its architecture, such as {@code qwen2}
 * @param quantization its weight format, such as {@code Q4_K_M} or {@code 4bit}
 * @param loaded whether its state is {@code loaded}
 * @param maxContext the longest context it takes, or {@code -1}
 * @param loadedContext the context it is loaded with, or {@code -1}
 * @param traits the {@code capabilities} it lists, such as {@code tool_use}; {@code null} when the server lists none
 */
record LmStudioModel(String id, String type, String arch, String quantization, boolean loaded, int maxContext,
                     int loadedContext, List<String> traits) {

    static List<LmStudioModel> list(JsonNode answer) {
        List<LmStudioModel> out = new ArrayList<>();
        for (JsonNode m : answer.path("data")) {
            String id = m.path("id").asString("");
            if (id.isEmpty()) {
                continue;
            }
            List<String> caps = null;
            if (m.path("capabilities").isArray()) {
                caps = new ArrayList<>();
                for (JsonNode c : m.path("capabilities")) {
                    caps.add(c.asString(""));
                }
            }
            out.add(new LmStudioModel(id, m.path("type").asString("llm"), m.path("arch").asString(""),
                    m.path("quantization").asString(""), "loaded".equals(m.path("state").asString("")),
                    m.path("max_context_length").asInt(-1), m.path("loaded_context_length").asInt(-1), caps));
        }
        return out;
    }

    /** @return what the model can do: images for {@code vlm}, tools unless the server says it was not trained for them */
    EngineCapabilities engineCapabilities() {
        return OpenAiBackend.CAPABILITIES.toBuilder()
                .images("vlm".equals(type))
                .tools(traits == null || traits.contains("tool_use"))
                .embeddings("embeddings".equals(type))
                .loadOptions(LoadOptions.Field.CONTEXT_SIZE)
                .logprobs(false)
                .build();
    }

    /** @param instance the name requests use @param context the context in effect, or -1 @param loadTime how long loading took */
    ModelInfo info(String instance, String backendId, int context, Duration loadTime) {
        return ModelInfo.builder(instance, backendId).architecture(arch.isEmpty() ? "unknown" : arch)
                .quantization(quantization.isEmpty() ? "unknown" : quantization).trainedContextLength(maxContext)
                .options(LoadOptions.builder().contextSize(context > 0 ? context : null).build()).loadTime(loadTime)
                .capabilities(engineCapabilities()).build();
    }

    ModelSummary.Builder summary() {
        return ModelSummary.builder(ModelRef.name(id)).architecture(arch).quantization(quantization)
                .contextLength(maxContext).loaded(loaded);
    }

    LoadedModel asLoaded() {
        return new LoadedModel(ModelRef.name(id), -1, -1, loadedContext, null);
    }
}
