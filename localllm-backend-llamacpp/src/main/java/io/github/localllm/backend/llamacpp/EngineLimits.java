package io.github.localllm.backend.llamacpp;

import io.github.localllm.UnsupportedModelException;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the llama.cpp bundled in {@code de.kherud:llama} 4.2.0 can run. It is build b4916
 * (March 2025); a newer architecture fails inside llama.cpp with only a generic "could not
 * load model", so it is refused here first, by name.
 */
final class EngineLimits {
    static final String ENGINE_VERSION = "llama.cpp b4916 via de.kherud:llama 4.2.0";

    /**
     * {@code LLM_ARCH_NAMES} of b4916, read from the bundled native library and confirmed
     * by loading a file of each name: all 61 pass llama.cpp's architecture check.
     */
    static final Set<String> ARCHITECTURES = Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder",
            "refact", "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe",
            "qwen2vl", "phi2", "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm",
            "minicpm3", "gemma", "gemma2", "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2",
            "dbrx", "olmo", "olmo2", "olmoe", "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet",
            "t5", "t5encoder", "jais", "nemotron", "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7",
            "granite", "granitemoe", "chameleon", "wavtokenizer-dec");

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
