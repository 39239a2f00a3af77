package io.github.localllm.gguf;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The model architectures ({@code general.architecture}) a llama.cpp build loads, for the builds the SDK
 * knows: the names of {@code LLM_ARCH_NAMES} in its {@code src/llama-arch.cpp}, without {@code clip} (a
 * placeholder only {@code llama-quantize} uses) and {@code (unknown)}. Architectures are added to
 * llama.cpp, not taken away, so a build runs at least the list of the newest known build at or below it,
 * and a build newer than every known one runs at least the newest list. A build older than the oldest
 * known one has no list here: {@link #of} says so instead of guessing.
 */
public final class LlamaCppArchitectures {
    /**
     * Build b4916 (March 2025), which the in-process engine ({@code de.kherud:llama} 4.2.0) bundles: read
     * from the bundled native library and confirmed by loading a file of each name (60 names).
     */
    public static final Set<String> B4916 = Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder",
            "refact", "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe",
            "qwen2vl", "phi2", "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm",
            "minicpm3", "gemma", "gemma2", "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2",
            "dbrx", "olmo", "olmo2", "olmoe", "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet",
            "t5", "t5encoder", "jais", "nemotron", "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7",
            "granite", "granitemoe", "chameleon", "wavtokenizer-dec");

    /**
     * Build b10470 (commit 34af94cd9 of ggml-org/llama.cpp), the {@code llama-server} the SDK is tested
     * with (144 names, in {@code llm_arch} order). Read from that release's {@code llama-server} binary: the
     * {@code LLM_ARCH_NAMES} initializer of {@code src/llama-arch.cpp} compiled into it stores each name
     * beside its {@code llm_arch} value, 0 ({@code clip}) to 145 ({@code (unknown)}); {@code
     * LlamaCppArchitecturesTest} checks that binary, where present, against this list.
     */
    public static final Set<String> B10470 = Set.of(
            "llama", "llama4", "deci", "falcon", "baichuan", "grok", "gpt2", "gptj", "gptneox", "mpt", "starcoder",
            "refact", "bert", "modern-bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2",
            "jina-bert-v3", "eurobert", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3",
            "qwen3moe", "qwen3next", "qwen3vl", "qwen3vlmoe", "qwen35", "qwen35moe", "phi2", "phi3", "phimoe",
            "plamo", "plamo2", "plamo3", "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2",
            "gemma3", "gemma3n", "gemma4", "gemma4-assistant", "gemma-embedding", "starcoder2", "mamba", "mamba2",
            "jamba", "falcon-h1", "xverse", "command-r", "cohere2", "cohere2moe", "dbrx", "olmo", "olmo2", "olmoe",
            "muse-glimmer", "openelm", "arctic", "deepseek", "deepseek2", "deepseek2-ocr", "deepseek32", "deepseek4",
            "chatglm", "glm4", "glm4moe", "glm-dsa", "bitnet", "t5", "t5encoder", "jais", "jais2", "nemotron",
            "nemotron_h", "nemotron_h_moe", "exaone", "exaone4", "exaone-moe", "rwkv6", "rwkv6qwen2", "rwkv7",
            "arwkv7", "granite", "granitemoe", "granitehybrid", "graniteswitch", "chameleon", "wavtokenizer-dec",
            "plm", "bailingmoe", "bailingmoe2", "bailingmoe3", "dots1", "arcee", "afmoe", "laguna", "ernie4_5",
            "ernie4_5-moe", "hunyuan-moe", "hunyuan-dense", "hunyuan_vl", "hy_v3", "smollm3", "gpt-oss", "lfm2",
            "lfm2moe", "dream", "smallthinker", "llada", "llada-moe", "seed_oss", "grovemoe", "apertus",
            "minimax-m2", "cogvlm", "rnd1", "pangu-embedded", "mistral3", "mistral4", "paddleocr", "mimo2", "step35",
            "llama-embed", "maincoder", "kimi-linear", "kimi-k3", "talkie", "mellum", "eagle3", "minimax-m3",
            "dflash", "nanbeige", "qwen3tts", "pockettts", "minimax-01");

    private static final NavigableMap<Integer, Set<String>> KNOWN = new TreeMap<>(Map.of(
            LlamaCppBuild.B4916.number(), B4916,
            LlamaCppBuild.B10470.number(), B10470));

    private static final Set<String> ANY = KNOWN.values().stream().flatMap(Set::stream)
            .collect(Collectors.toUnmodifiableSet());

    private LlamaCppArchitectures() {
    }

    /**
     * @param build a llama.cpp build
     * @return the architectures it is known to load: the list of the newest known build at or below it;
     *         empty when it is older than every build known here
     */
    public static Optional<Set<String>> of(LlamaCppBuild build) {
        Objects.requireNonNull(build, "build");
        Map.Entry<Integer, Set<String>> floor = KNOWN.floorEntry(build.number());
        return floor == null ? Optional.empty() : Optional.of(floor.getValue());
    }

    /** @return the builds with a list of their own, oldest first */
    public static List<LlamaCppBuild> knownBuilds() {
        return KNOWN.keySet().stream().map(LlamaCppBuild::of).toList();
    }

    /** @return every architecture some known build loads: what a catalog of models for any engine may name */
    public static Set<String> any() {
        return ANY;
    }
}
