/**
 * In-process inference with llama.cpp through the {@code de.kherud:llama} binding.
 * Found by {@link io.github.localllm.LocalLlm} through {@link java.util.ServiceLoader}
 * under the id {@code llamacpp}.
 */
module io.github.localllm.backend.llamacpp {
    requires io.github.localllm;
    requires io.github.localllm.gguf;
    requires io.github.localllm.schema;
    requires llama;
    requires org.slf4j;

    exports io.github.localllm.backend.llamacpp;

    provides io.github.localllm.spi.InferenceBackendProvider
            with io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
}
