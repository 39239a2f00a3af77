package io.github.localllm.hardware;

import io.github.localllm.gguf.EngineArchitectures;
import java.util.EnumSet;
import java.util.Set;

/** The engines a fit plan can be for, and what each can run. */
public enum InferenceEngine {
    /**
     * llama.cpp b4916 in this JVM ({@code de.kherud:llama} 4.2.0): a March 2025 build. Its Linux and
     * Windows natives are CPU builds (the x86-64 ones compiled for AVX2); its macOS arm64 native
     * contains the Metal backend. It sizes sliding-window caches to the full context.
     */
    LLAMA_CPP_IN_PROCESS("llama.cpp b4916 in process", EnumSet.of(Acceleration.METAL), true, false),
    /**
     * A current {@code llama-server} the user installed: the newest architectures, the GPU build of
     * their choice, window-sized sliding-window caches. Which architectures it knows depends on its
     * version, so the planner does not refuse any by name.
     */
    LLAMA_SERVER("llama-server (current llama.cpp)", EnumSet.of(Acceleration.CUDA, Acceleration.ROCM,
            Acceleration.METAL, Acceleration.VULKAN, Acceleration.SYCL), false, true);

    private final String displayName;
    private final Set<Acceleration> accelerations;
    private final boolean needsAvx2OnX86;
    private final boolean slidingWindowCache;

    InferenceEngine(String displayName, Set<Acceleration> accelerations, boolean needsAvx2OnX86,
                    boolean slidingWindowCache) {
        this.displayName = displayName;
        this.accelerations = Set.copyOf(accelerations);
        this.needsAvx2OnX86 = needsAvx2OnX86;
        this.slidingWindowCache = slidingWindowCache;
    }

    /** @return a name for people */
    public String displayName() {
        return displayName;
    }

    /** @return the GPU backends this engine can offload to */
    public Set<Acceleration> accelerations() {
        return accelerations;
    }

    /** @return whether its x86-64 native code uses AVX2 instructions unconditionally */
    public boolean needsAvx2OnX86() {
        return needsAvx2OnX86;
    }

    /** @return whether it sizes sliding-window layers' caches to the window */
    public boolean slidingWindowCache() {
        return slidingWindowCache;
    }

    /**
     * @param architecture a {@code general.architecture}
     * @return whether this engine is known to load it
     */
    public boolean supports(String architecture) {
        return this != LLAMA_CPP_IN_PROCESS || EngineArchitectures.supportedByLlamaCppB4916(architecture);
    }
}
