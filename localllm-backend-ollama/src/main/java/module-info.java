/**
 * Ollama as an engine, through its native HTTP API: generate and chat streamed over NDJSON (images,
 * tools, thinking, JSON and JSON-schema answers), embeddings, and the model library (list, running
 * models, show, pull with progress, copy, delete), with models loaded and unloaded through
 * {@code keep_alive}. Found by {@link io.github.localllm.LocalLlm} through
 * {@link java.util.ServiceLoader} under the id {@code ollama}.
 */
module io.github.localllm.backend.ollama {
    requires transitive io.github.localllm;
    requires io.github.localllm.http;
    requires io.github.localllm.schema;
    requires tools.jackson.databind;
    requires org.slf4j;

    exports io.github.localllm.backend.ollama;
    // The NDJSON lines are bound to small package-private classes by reflection.
    opens io.github.localllm.backend.ollama to tools.jackson.databind;

    provides io.github.localllm.spi.InferenceBackendProvider
            with io.github.localllm.backend.ollama.OllamaBackendProvider;
}
