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
    exports io.github.localllm.registry;

    uses io.github.localllm.spi.InferenceBackendProvider;
    uses io.github.localllm.spi.AutoConfigurator;
    uses io.github.localllm.spi.ModelResolver;
    uses io.github.localllm.registry.ModelRegistryProvider;
}
