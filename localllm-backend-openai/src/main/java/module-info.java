/**
 * Any OpenAI-compatible server (llama.cpp's {@code llama-server}, vLLM, LocalAI, LM Studio, Ollama's
 * {@code /v1}) and the OpenAI API itself, through {@code localllm-http}. Found by
 * {@link io.github.localllm.LocalLlm} through {@link java.util.ServiceLoader} under the id
 * {@code openai}; {@link io.github.localllm.backend.openai.OpenAiBackend} is the public building
 * block for engines of servers that add their own API to the OpenAI one.
 */
module io.github.localllm.backend.openai {
    requires transitive io.github.localllm;
    requires transitive io.github.localllm.http;
    requires io.github.localllm.schema;
    requires org.slf4j;

    exports io.github.localllm.backend.openai;
    // The streamed chunks are bound to small classes with public fields, the cheapest binding.
    opens io.github.localllm.backend.openai to tools.jackson.databind;

    provides io.github.localllm.spi.InferenceBackendProvider
            with io.github.localllm.backend.openai.OpenAiBackendProvider;
}
