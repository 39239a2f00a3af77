/**
 * Model registries: the Hugging Face Hub ({@link io.github.localllm.registry.hf.HuggingFaceRegistry}: search,
 * details, GGUF variants and whether each fits this machine, planned from its remote header) and the
 * bundled catalog as an offline registry ({@link io.github.localllm.registry.hf.CatalogRegistry}).
 */
module io.github.localllm.registry.hf {
    requires transitive io.github.localllm;
    // HardwareProfile appears in the builder's API.
    requires transitive io.github.localllm.hardware;
    requires io.github.localllm.gguf;
    requires io.github.localllm.http;
    requires java.net.http;
    requires tools.jackson.databind;
    requires org.slf4j;

    exports io.github.localllm.registry.hf;

    provides io.github.localllm.registry.ModelRegistryProvider
            with io.github.localllm.registry.hf.HuggingFaceRegistryProvider,
                 io.github.localllm.registry.hf.CatalogRegistryProvider;
}
