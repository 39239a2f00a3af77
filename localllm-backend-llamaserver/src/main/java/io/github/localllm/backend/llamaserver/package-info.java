/**
 * The managed {@code llama-server} engine. {@link io.github.localllm.backend.llamaserver.LlamaServerBackendProvider}
 * provides it under the id {@code llamaserver}: it finds the server (configuration, {@code LLAMA_SERVER},
 * the engines directory, {@code PATH}), checks its build, and starts one per loaded GGUF file, with
 * the load options of {@link io.github.localllm.backend.llamaserver.LlamaServerOptions}; a binary it
 * cannot use is a {@link io.github.localllm.backend.llamaserver.LlamaServerBinaryException}.
 * {@link io.github.localllm.backend.llamaserver.LlamaServerInstaller} installs, on request only, the
 * official llama.cpp release archive of the pinned build for a
 * {@link io.github.localllm.backend.llamaserver.Platform} and an
 * {@link io.github.localllm.backend.llamaserver.Accelerator}, verified against its published SHA-256
 * digest, into the engines directory ({@code ~/.localllm/engines/b<build>/<variant>/}, or
 * {@code llamaserver.engines.dir}).
 */
package io.github.localllm.backend.llamaserver;
