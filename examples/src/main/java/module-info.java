/**
 * Runnable examples of the localllm SDK. The engine is found through
 * {@link java.util.ServiceLoader}; the quick start also writes synthetic models, so it
 * reads the GGUF module directly; WillItRun asks the hardware module for a load plan.
 */
module io.github.localllm.examples {
    requires io.github.localllm;
    requires io.github.localllm.gguf;
    requires io.github.localllm.backend.llamacpp;
    requires io.github.localllm.hardware;
    // Not called directly: its model resolver, found by ServiceLoader, downloads the quick start's model.
    requires io.github.localllm.store;

    exports io.github.localllm.examples;
}
