package io.github.localllm.backend.openai;

import tools.jackson.databind.JsonNode;

/**
 * What llama.cpp's {@code GET /props} says of a running {@code llama-server} (fixture
 * 24-GET-props.http, build b10470): the context each request gets, its slots, the chat template
 * it renders conversations with, its build, and which monitoring routes it serves.
 *
 * @param contextSize {@code default_generation_settings.n_ctx}, the context of each slot (the
 *        server splits {@code --ctx-size} among its slots), or {@code -1} when not said
 * @param totalSlots {@code total_slots}, the requests decoded at once ({@code --parallel}), or {@code -1}
 * @param chatTemplate {@code chat_template}, the Jinja template the server renders chats with (the
 *        model's own, or the server's default when the model has none); empty when not said
 * @param build {@code build_info} such as {@code b10470-34af94cd9}, or empty
 * @param modelPath {@code model_path}, the file the server loaded, or empty
 * @param vision {@code modalities.vision}, or {@code null} when not said
 * @param slotsEndpoint {@code endpoint_slots}: whether {@code GET /slots} answers (off with {@code --no-slots})
 * @param metricsEndpoint {@code endpoint_metrics}: whether {@code GET /metrics} answers (on with {@code --metrics})
 */
public record LlamaServerProps(int contextSize, int totalSlots, String chatTemplate, String build, String modelPath,
                               Boolean vision, boolean slotsEndpoint, boolean metricsEndpoint) {

    /** Replaces absent texts with empty ones. */
    public LlamaServerProps {
        chatTemplate = chatTemplate == null ? "" : chatTemplate;
        build = build == null ? "" : build;
        modelPath = modelPath == null ? "" : modelPath;
    }

    /** @return the build number of {@link #build()}, such as 10470 for {@code b10470-34af94cd9}; {@code -1} when not said */
    public int buildNumber() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^b(\\d{1,9})\\b").matcher(build);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** @param props the answer of {@code GET /props} @return what it says; members it lacks are unknown */
    static LlamaServerProps read(JsonNode props) {
        JsonNode vision = props.path("modalities").path("vision");
        return new LlamaServerProps(props.path("default_generation_settings").path("n_ctx").asInt(-1),
                props.path("total_slots").asInt(-1), props.path("chat_template").asString(""),
                props.path("build_info").asString(""), props.path("model_path").asString(""),
                vision.isBoolean() ? vision.booleanValue() : null,
                // Servers before these members (b4916) served /slots by default and /metrics only when asked.
                props.path("endpoint_slots").asBoolean(true), props.path("endpoint_metrics").asBoolean(false));
    }
}
