/**
 * The model store: downloads that fetch one large file over several connections in ranged chunks,
 * survive a crash or a kill and resume from their partial file, verify SHA-256 and GGUF before an
 * atomic move into place; and the local model library, in the Hugging Face cache layout by default,
 * which also finds (read-only) what the Hugging Face tools, Ollama and LM Studio already hold.
 */
module io.github.localllm.store {
    requires transitive io.github.localllm;
    requires transitive java.net.http;
    requires io.github.localllm.gguf;
    requires tools.jackson.databind;
    requires org.slf4j;

    exports io.github.localllm.store;

    provides io.github.localllm.spi.ModelResolver with io.github.localllm.store.internal.StoreResolver;
}
