/**
 * LM Studio as an engine: generation through its OpenAI-compatible API (the OpenAI engine), models
 * listed, loaded with a context size and unloaded through its own REST API. Found by
 * {@link io.github.localllm.LocalLlm} through {@link java.util.ServiceLoader} under the id
 * {@code lmstudio}.
 */
module io.github.localllm.backend.lmstudio {
    requires transitive io.github.localllm.backend.openai;
    requires org.slf4j;

    exports io.github.localllm.backend.lmstudio;

    provides io.github.localllm.spi.InferenceBackendProvider
            with io.github.localllm.backend.lmstudio.LmStudioBackendProvider;
}
