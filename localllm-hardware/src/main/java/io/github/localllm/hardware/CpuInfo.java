package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Set;

/**
 * The processor.
 *
 * @param name the model name as the OS reports it
 * @param physicalCores cores, without hyper-threads
 * @param logicalCores hardware threads
 * @param availableProcessors the processors this JVM may use ({@link Runtime#availableProcessors()}):
 *        fewer than the cores in a container with a CPU limit or under an affinity mask
 * @param features the instruction-set extensions llama.cpp cares about
 * @param source where the counts and features came from, including any correction of an absurd
 *        value the OS reported (e.g. "0 physical cores reported; counted as 1")
 */
public record CpuInfo(String name, int physicalCores, int logicalCores, int availableProcessors,
                      Set<CpuFeature> features, String source) {

    /** Copies the feature set and rejects impossible core counts. */
    public CpuInfo {
        Objects.requireNonNull(name, "name");
        features = Set.copyOf(features);
        Objects.requireNonNull(source, "source");
        if (physicalCores < 1 || logicalCores < physicalCores) {
            throw new IllegalArgumentException("impossible core counts: " + physicalCores + " physical, "
                    + logicalCores + " logical");
        }
        if (availableProcessors < 1) {
            throw new IllegalArgumentException("a JVM runs on at least one processor, not " + availableProcessors);
        }
    }

    /**
     * A processor whose figures need no provenance (tests, user overrides), all of whose logical
     * processors this JVM may use.
     *
     * @param name the model name
     * @param physicalCores cores, without hyper-threads
     * @param logicalCores hardware threads
     * @param features the instruction-set extensions
     */
    public CpuInfo(String name, int physicalCores, int logicalCores, Set<CpuFeature> features) {
        this(name, physicalCores, logicalCores, logicalCores, features, "given");
    }

    /**
     * Threads for token generation: one per physical core (generation waits on memory, so
     * hyper-threads add nothing), but no more than the processors this JVM may use. A container
     * limited to 2 CPUs on a 16-core host gets 2; 16 would only take turns on them.
     *
     * @return at least 1
     */
    public int generationThreads() {
        return Math.max(1, Math.min(physicalCores, availableProcessors));
    }
}
