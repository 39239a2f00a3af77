/**
 * The managed {@code llama-server} engine. {@link io.github.localllm.backend.llamaserver.LlamaServerInstaller}
 * installs, on request only, the official llama.cpp release archive of the pinned build for a
 * {@link io.github.localllm.backend.llamaserver.Platform} and an
 * {@link io.github.localllm.backend.llamaserver.Accelerator}, verified against its published SHA-256
 * digest, into the engines directory ({@code ~/.localllm/engines/b<build>/<variant>/}, or
 * {@code llamaserver.engines.dir}).
 */
package io.github.localllm.backend.llamaserver;
