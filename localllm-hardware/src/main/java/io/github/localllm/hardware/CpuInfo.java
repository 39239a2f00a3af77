package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Set;

/**
 * The processor.
 *
 * @param name the model name as the OS reports it
 * @param physicalCores cores, without hyper-threads
 * @param logicalCores hardware threads
 * @param features the instruction-set extensions llama.cpp cares about
 * @param source where the counts and features came from, including any correction of an absurd
 *        value the OS reported (e.g. "0 physical cores reported; counted as 1")
 */
public record CpuInfo(String name, int physicalCores, int logicalCores, Set<CpuFeature> features, String source) {

    /** Copies the feature set and rejects impossible core counts. */
    public CpuInfo {
        Objects.requireNonNull(name, "name");
        features = Set.copyOf(features);
        Objects.requireNonNull(source, "source");
        if (physicalCores < 1 || logicalCores < physicalCores) {
            throw new IllegalArgumentException("impossible core counts: " + physicalCores + " physical, "
                    + logicalCores + " logical");
        }
    }

    /**
     * A processor whose figures need no provenance (tests, user overrides).
     *
     * @param name the model name
     * @param physicalCores cores, without hyper-threads
     * @param logicalCores hardware threads
     * @param features the instruction-set extensions
     */
    public CpuInfo(String name, int physicalCores, int logicalCores, Set<CpuFeature> features) {
        this(name, physicalCores, logicalCores, features, "given");
    }
}
