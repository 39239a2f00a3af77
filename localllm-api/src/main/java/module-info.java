/**
 * The localllm API: the types every module speaks, the engine SPI, and the
 * {@link io.github.localllm.LocalLlm} facade that finds engines with
 * {@link java.util.ServiceLoader}.
 */
module io.github.localllm {
    requires transitive org.slf4j;

    exports io.github.localllm;
    exports io.github.localllm.config;
    exports io.github.localllm.event;
    exports io.github.localllm.spi;
    // The JSON reader serves the engines' tests and schema handling; it is not public API.
    exports io.github.localllm.internal to io.github.localllm.hardware;

    uses io.github.localllm.spi.InferenceBackendProvider;
    uses io.github.localllm.spi.AutoConfigurator;
}
