package io.github.localllm.hardware;

import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.gguf.ModelShape;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A {@link FitCheck} that plans each candidate file with {@link FitPlanner}, from the catalog's
 * {@link CatalogModel#shape() shape} and the file's size ({@link MemoryModel#fromShape}), so a model is
 * judged by the memory its load needs, KV cache and buffers included, before anything is downloaded.
 *
 * <p>A file fits when its plan is runnable and better than {@link CompatibilityLevel#MARGINAL}: a plan
 * with under 10% headroom loads, but is not something to recommend, and an {@link CompatibilityLevel#UNKNOWN}
 * one rests on memory that could not be read. The plan's explanation is the
 * reason. The target context is the model's trained context, at most {@value #MAX_TARGET_CONTEXT}
 * tokens, a chat-sized context that does not make every long-context model look too big.
 *
 * <p>With a speed floor, a plan whose expected generation speed is known and below it does not fit
 * either: a model that answers at 3 tokens/s fits in memory but not in a conversation. A speed that
 * cannot be estimated (unknown memory bandwidth) never rejects a file.
 *
 * <p>A model without a shape cannot be planned. It is never recommended with an invented plan: it is
 * passed over, with the verdict of {@link MemoryFitCheck} (file size alone) in the reason so the user
 * still learns whether it would likely fit.
 */
public final class PlanFitCheck implements FitCheck<FitPlan> {
    /** The largest context asked for when planning a catalog model, in tokens. */
    public static final int MAX_TARGET_CONTEXT = 8192;
    /**
     * Expected tokens per second below which a chat or code model is passed over when a faster one fits:
     * about reading speed. Compared with the plan's {@link SpeedPrediction}: compute and bandwidth, corrected
     * by measurements on this machine when the request carries them.
     */
    public static final double INTERACTIVE_TOKENS_PER_SECOND = 10;

    private final HardwareProfile profile;
    private final InferenceEngine engine;
    private final double minTokensPerSecond;
    private final SpeedCalibrations calibrations;
    private final MemoryFitCheck memoryCheck;

    /**
     * A check without a speed floor.
     *
     * @param profile the machine
     * @param engine the engine the plans are for
     */
    public PlanFitCheck(HardwareProfile profile, InferenceEngine engine) {
        this(profile, engine, 0);
    }

    /**
     * @param profile the machine
     * @param engine the engine the plans are for
     * @param minTokensPerSecond the slowest expected generation accepted; 0 for no floor
     */
    public PlanFitCheck(HardwareProfile profile, InferenceEngine engine, double minTokensPerSecond) {
        this(profile, engine, minTokensPerSecond, SpeedCalibrations.user());
    }

    /**
     * @param profile the machine
     * @param engine the engine the plans are for
     * @param minTokensPerSecond the slowest expected generation accepted; 0 for no floor
     * @param calibrations the speeds measured on this machine that predictions are corrected by
     */
    public PlanFitCheck(HardwareProfile profile, InferenceEngine engine, double minTokensPerSecond,
                        SpeedCalibrations calibrations) {
        this.calibrations = Objects.requireNonNull(calibrations, "calibrations");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.engine = Objects.requireNonNull(engine, "engine");
        if (!(minTokensPerSecond >= 0)) {
            throw new IllegalArgumentException("minTokensPerSecond must be 0 or more, got " + minTokensPerSecond);
        }
        this.minTokensPerSecond = minTokensPerSecond;
        this.memoryCheck = new MemoryFitCheck(profile);
    }

    @Override
    public FitVerdict<FitPlan> check(CatalogModel model, CatalogFile file) {
        Optional<ModelShape> shape = model.shape();
        if (shape.isEmpty()) {
            FitVerdict<MemoryFit> byMemory = memoryCheck.check(model, file);
            return FitVerdict.doesNotFit("cannot be planned because the catalog states no architecture shape for it"
                    + " (judged by file size only, it " + byMemory.reason() + ")");
        }
        FitRequest request = FitRequest.builder(MemoryModel.fromShape(shape.get(), file.sizeBytes(), file.quantization()))
                .targetContext(Math.min(model.contextLength(), MAX_TARGET_CONTEXT)).engine(engine)
                .calibrations(calibrations).build();
        FitPlan plan = FitPlanner.plan(profile, request);
        String size = file.sizeApproximate() ? " (file size estimated from the parameter count)" : "";
        if (plan.runnable() && plan.compatibility() != CompatibilityLevel.MARGINAL
                && plan.compatibility() != CompatibilityLevel.UNKNOWN) {
            OptionalDouble speed = plan.expectedTokensPerSecond();
            if (speed.isPresent() && speed.getAsDouble() < minTokensPerSecond) {
                return FitVerdict.doesNotFit(String.format(Locale.ROOT, "fits, but is too slow: about %.1f tokens/s "
                        + "expected, below the %.0f tokens/s wanted%s: %s", speed.getAsDouble(), minTokensPerSecond,
                        size, plan.explanation()));
            }
            return FitVerdict.fits(plan, "fits as planned" + size + ": " + plan.explanation());
        }
        return FitVerdict.doesNotFit("does not fit well enough (" + plan.compatibility().name()
                .toLowerCase(Locale.ROOT) + ")" + size + ": " + plan.explanation());
    }
}
