package io.github.localllm.hardware;

import java.util.Set;

/**
 * The processor.
 *
 * @param name the model name as the OS reports it
 * @param physicalCores cores, without hyper-threads
 * @param logicalCores hardware threads
 * @param features the instruction-set extensions llama.cpp cares about
 */
public record CpuInfo(String name, int physicalCores, int logicalCores, Set<CpuFeature> features) {

    /** Copies the feature set and rejects impossible core counts. */
    public CpuInfo {
        features = Set.copyOf(features);
        if (physicalCores < 1 || logicalCores < physicalCores) {
            throw new IllegalArgumentException("impossible core counts: " + physicalCores + " physical, "
                    + logicalCores + " logical");
        }
    }
}
