/**
 * Runnable examples of the localllm SDK. The engine is found through
 * {@link java.util.ServiceLoader}; the quick start also writes synthetic models, so it
 * reads the GGUF module directly; WillItRun asks the hardware module for a load plan;
 * FindModel searches a model registry and downloads through the store.
 */
module io.github.localllm.examples {
    requires io.github.localllm;
    requires io.github.localllm.gguf;
    requires io.github.localllm.backend.llamacpp;
    requires io.github.localllm.hardware;
    // Its model resolver, found by ServiceLoader, downloads the quick start's model; FindModel downloads with its library.
    requires io.github.localllm.store;
    // FindModel: Hugging Face search and the bundled catalog as registries.
    requires io.github.localllm.registry.hf;

    exports io.github.localllm.examples;
}
