package io.github.localllm.hardware;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A fit check from file size and free memory alone, for when no load planner is at hand. A file fits
 * when its size plus headroom fits in one GPU's memory, or else in available RAM.
 *
 * <p>Headroom: {@value #HEADROOM_PERCENT}% of the file size for llama.cpp's compute and output
 * buffers, plus {@value #FIXED_HEADROOM_MIB} MiB for a KV cache of a few thousand tokens and the
 * runtime. For a 32B model at Q4_K_M (about 20 GB) this is about 3 GB, in line with what a 4K-token
 * context costs such a model with grouped-query attention; it does not cover long contexts, which is
 * what the full planner is for.
 *
 * <p>Budgets: a GPU offers its free VRAM, or 90% of its total when free VRAM is unknown (the display
 * and driver keep some); only GPUs with an acceleration backend count, and a model is not split
 * across GPUs or between GPU and CPU here. The CPU offers available RAM, or total RAM less
 * {@value #OS_RESERVE_MIB} MiB for the system when available RAM is unknown.
 */
public final class MemoryFitCheck implements FitCheck<MemoryFit> {
    /** Headroom as a share of the file size, in percent. */
    public static final int HEADROOM_PERCENT = 10;
    /** Fixed headroom for the KV cache and runtime, in MiB. */
    public static final int FIXED_HEADROOM_MIB = 1024;
    /** RAM left to the system when available RAM is unknown, in MiB. */
    public static final int OS_RESERVE_MIB = 2048;

    private static final long MIB = 1024L * 1024;

    private final HardwareProfile profile;

    /** @param profile the machine to fit models to */
    public MemoryFitCheck(HardwareProfile profile) {
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    /**
     * @param file a model file
     * @return the memory it needs loaded with this check's headroom
     */
    public static long requiredBytes(CatalogFile file) {
        return file.sizeBytes() + file.sizeBytes() * HEADROOM_PERCENT / 100 + FIXED_HEADROOM_MIB * MIB;
    }

    @Override
    public FitVerdict<MemoryFit> check(CatalogModel model, CatalogFile file) {
        long required = requiredBytes(file);
        String need = "needs " + gb(required) + " (" + (file.sizeApproximate() ? "estimated " : "")
                + "file " + gb(file.sizeBytes()) + " + " + HEADROOM_PERCENT + "% + " + FIXED_HEADROOM_MIB
                + " MiB for context and buffers)";
        Optional<MemoryFit> gpu = bestGpu().map(g -> new MemoryFit(MemoryFit.Placement.GPU, required, g.bytes, g.source));
        if (gpu.isPresent() && required <= gpu.get().budgetBytes()) {
            return FitVerdict.fits(gpu.get(), "fits on the GPU: " + need + ", " + gb(gpu.get().budgetBytes())
                    + " " + gpu.get().budgetSource());
        }
        Optional<Budget> ram = ramBudget();
        if (ram.isPresent() && required <= ram.get().bytes) {
            return FitVerdict.fits(new MemoryFit(MemoryFit.Placement.CPU, required, ram.get().bytes, ram.get().source),
                    "fits in RAM: " + need + ", " + gb(ram.get().bytes) + " " + ram.get().source);
        }
        StringBuilder why = new StringBuilder("does not fit: ").append(need).append(", but ");
        if (gpu.isPresent()) {
            why.append("the GPU offers ").append(gb(gpu.get().budgetBytes())).append(' ')
                    .append(gpu.get().budgetSource()).append(" and ");
        }
        why.append(ram.map(r -> "RAM offers " + gb(r.bytes) + " " + r.source)
                .orElse("the amount of RAM is unknown"));
        return FitVerdict.doesNotFit(why.toString());
    }

    private record Budget(long bytes, String source) {
    }

    private Optional<Budget> bestGpu() {
        return profile.gpus().stream()
                .filter(g -> g.acceleration() != Acceleration.NONE)
                .map(MemoryFitCheck::gpuBudget)
                .flatMap(Optional::stream)
                .max(Comparator.comparingLong(Budget::bytes));
    }

    private static Optional<Budget> gpuBudget(GpuInfo gpu) {
        if (gpu.freeVramBytes().isKnown() && gpu.freeVramBytes().value() > 0) {
            return Optional.of(new Budget(gpu.freeVramBytes().value(),
                    "free VRAM of " + gpu.name() + " (" + gpu.freeVramBytes().source() + ")"));
        }
        if (gpu.totalVramBytes().isKnown() && gpu.totalVramBytes().value() > 0) {
            return Optional.of(new Budget(gpu.totalVramBytes().value() / 10 * 9,
                    "VRAM of " + gpu.name() + ": 90% of its total (" + gpu.totalVramBytes().source()
                            + "), free VRAM unknown"));
        }
        return Optional.empty();
    }

    private Optional<Budget> ramBudget() {
        Reading<Long> available = profile.memory().availableBytes();
        if (available.isKnown() && available.value() > 0) {
            return Optional.of(new Budget(available.value(), "available RAM (" + available.source() + ")"));
        }
        Reading<Long> total = profile.memory().totalBytes();
        if (total.isKnown() && total.value() > 0) {
            long budget = Math.max(0, total.value() - OS_RESERVE_MIB * MIB);
            return Optional.of(new Budget(budget, "RAM: total (" + total.source() + ") less " + OS_RESERVE_MIB
                    + " MiB for the system, available RAM unknown"));
        }
        return Optional.empty();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
