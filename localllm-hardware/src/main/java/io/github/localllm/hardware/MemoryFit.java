package io.github.localllm.hardware;

import java.util.Objects;

/**
 * Where a model file would be loaded and the memory that decided it, as {@link MemoryFitCheck}
 * found it.
 *
 * @param placement the memory the weights would live in
 * @param requiredBytes the file size plus the stated headroom
 * @param budgetBytes the memory the placement offers
 * @param budgetSource where the budget came from (e.g. {@code free VRAM of NVIDIA RTX 4090 (nvidia-smi)})
 */
public record MemoryFit(Placement placement, long requiredBytes, long budgetBytes, String budgetSource) {

    /** Where the weights go. */
    public enum Placement {
        /** Entirely in one GPU's memory (dedicated VRAM, or the GPU share of unified memory). */
        GPU,
        /** In system RAM, computed on the CPU. */
        CPU
    }

    /** Checks no part is missing. */
    public MemoryFit {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(budgetSource, "budgetSource");
    }
}
