package io.github.localllm.backend.openai;

import tools.jackson.databind.JsonNode;

/**
 * What llama.cpp's {@code GET /props} says (capture 03): the context each request gets, the build,
 * and whether the model sees images.
 *
 * @param contextSize {@code default_generation_settings.n_ctx}, or {@code -1}
 * @param build {@code build_info} such as {@code b10470-34af94cd9}, or empty
 * @param vision {@code modalities.vision}, or {@code null} when not said
 */
record ServerProps(int contextSize, String build, Boolean vision) {

    static ServerProps read(JsonNode props) {
        JsonNode vision = props.path("modalities").path("vision");
        return new ServerProps(props.path("default_generation_settings").path("n_ctx").asInt(-1),
                props.path("build_info").asString(""), vision.isBoolean() ? vision.booleanValue() : null);
    }
}
