package io.github.localllm.benchmarks;

import io.github.localllm.backend.llamaserver.LlamaServerBackendProvider;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.InferenceBackend;
import java.nio.file.Path;
import java.util.Map;

/** The managed llama-server engine for benchmarks, on {@link LlamaCppTools#server()}, configured by nothing else. */
final class ServerEngines {
    private ServerEngines() {
    }

    /**
     * @return the engine as {@code LocalLlm} would create it, but configured only with the binary and a
     *     state directory under the benchmark directory (no user file, no environment)
     */
    static InferenceBackend create() {
        Path dir = BenchmarkModels.directory();
        LocalLlmConfig config = LocalLlmConfig.load(Map.of(
                LlamaServerBackendProvider.PATH_KEY, LlamaCppTools.server().toString(),
                LlamaServerBackendProvider.STATE_DIR_KEY, dir.resolve("localllm-bench-llamaserver-state").toString()),
                Map.of(), new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("localllm-bench-no-config.json")));
        return new LlamaServerBackendProvider().create(config);
    }
}
