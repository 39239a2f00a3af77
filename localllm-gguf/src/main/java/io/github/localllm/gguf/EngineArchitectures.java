package io.github.localllm.gguf;

import java.util.Set;

/**
 * The model architectures ({@code general.architecture}) a given llama.cpp build can load. An
 * engine refuses a newer architecture only deep inside native code, with a generic "could not
 * load model", so callers check the name here first: the backend before loading, the fit planner
 * before recommending an engine.
 */
public final class EngineArchitectures {
    /**
     * {@code LLM_ARCH_NAMES} of llama.cpp build b4916 (March 2025), the build bundled in
     * {@code de.kherud:llama} 4.2.0: read from the bundled native library and confirmed by loading a
     * file of each name: all pass llama.cpp's architecture check (60 names, the list EngineLimits has used).
     */
    public static final Set<String> LLAMA_CPP_B4916 = Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder",
            "refact", "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe",
            "qwen2vl", "phi2", "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm",
            "minicpm3", "gemma", "gemma2", "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2",
            "dbrx", "olmo", "olmo2", "olmoe", "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet",
            "t5", "t5encoder", "jais", "nemotron", "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7",
            "granite", "granitemoe", "chameleon", "wavtokenizer-dec");

    private EngineArchitectures() {
    }

    /**
     * @param architecture a {@code general.architecture} value
     * @return whether llama.cpp b4916 can load it
     */
    public static boolean supportedByLlamaCppB4916(String architecture) {
        return architecture != null && LLAMA_CPP_B4916.contains(architecture);
    }
}
