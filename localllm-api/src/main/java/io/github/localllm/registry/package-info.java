/**
 * Discovering models: the {@link io.github.localllm.registry.ModelRegistry} SPI, its query and result
 * values, and the errors a registry raises. A registry (the Hugging Face Hub, the bundled catalog, a
 * mirror) is found with {@link java.util.ServiceLoader} through its
 * {@link io.github.localllm.registry.ModelRegistryProvider}.
 */
package io.github.localllm.registry;
