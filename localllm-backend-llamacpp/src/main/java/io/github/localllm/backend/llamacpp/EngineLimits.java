package io.github.localllm.backend.llamacpp;

import io.github.localllm.LoadOptions;
import io.github.localllm.ResponseFormat;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.gguf.EngineArchitectures;
import io.github.localllm.spi.EngineCapabilities;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the llama.cpp bundled in {@code de.kherud:llama} 4.2.0 can run. It is build b4916
 * (March 2025); a newer architecture fails inside llama.cpp with only a generic "could not
 * load model", so it is refused here first, by name.
 */
final class EngineLimits {
    static final String ENGINE_VERSION = "llama.cpp b4916 via de.kherud:llama 4.2.0";

    /** The architectures b4916 can load; the list lives with the GGUF reader so the fit planner shares it. */
    static final Set<String> ARCHITECTURES = EngineArchitectures.LLAMA_CPP_B4916;

    /**
     * What b4916 in this process does. Its Linux and Windows natives are CPU builds compiled for AVX2;
     * its macOS arm64 native has Metal. It sizes sliding-window caches to the full context.
     */
    static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder()
            .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
            .grammarDialect("llama.cpp b4916")
            .embeddings(true)
            .loadOptions(LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS, LoadOptions.Field.THREADS)
            .architectures(ARCHITECTURES)
            .gpuBackends(Set.of("metal"))
            .requiredCpuFeatures(Set.of("avx2"))
            .windowedAttentionCache(false)
            .build();

    private EngineLimits() {
    }

    static void checkArchitecture(Path file, String architecture) {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new UnsupportedModelException(file + " is a '" + architecture + "' model, an architecture the"
                    + " in-process engine (" + ENGINE_VERSION + ", March 2025) does not know; run it with a newer"
                    + " llama.cpp through the llama-server or Ollama backend, or pick a model of a supported"
                    + " architecture such as llama, qwen2, gemma3 or phi3");
        }
    }
}
