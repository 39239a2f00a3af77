package io.github.localllm.examples;

import io.github.localllm.LocalLlm;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.hardware.CatalogModel;
import io.github.localllm.hardware.FitPlan;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.InferenceEngine;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.hardware.ModelTask;
import io.github.localllm.hardware.Recommendation;
import io.github.localllm.hardware.SpeedCalibrations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The quick start's model: the catalog's best chat model for this machine among the small ones, so the
 * first run downloads well under a gigabyte.
 */
final class SmallModel {
    /** Parameters of the largest model the quick start downloads: Llama 3.2 1B is 1.24 billion. */
    static final long MAX_PARAMETERS = 1_300_000_000L;

    private SmallModel() {
    }

    static Optional<Recommendation.Choice<FitPlan>> choose(ConfigEnvironment env, PrintStream out) {
        LocalLlmConfig config = LocalLlmConfig.load(Map.of(), Map.of(), env);
        HardwareProfile machine = HardwareDetector.create().detect();
        InferenceEngine engine = LocalLlm.providers().stream().filter(p -> p.accepts(ModelRef.file(Path.of("m.gguf"))))
                .findFirst().map(InferenceEngine::of).orElse(InferenceEngine.currentLlamaCpp());
        ModelCatalog small = ModelCatalog.forConfig(config, env).filter(m -> m.parameterCount() <= MAX_PARAMETERS);
        Recommendation<FitPlan> r = small.recommend(machine, ModelTask.CHAT, engine, SpeedCalibrations.forConfig(config));
        if (r.choice().isEmpty()) {
            out.println("No small catalog model fits this machine: " + r.explanation());
            return Optional.empty();
        }
        Recommendation.Choice<FitPlan> c = r.choice().get();
        CatalogModel m = c.model();
        String speed = c.fit().speed().map(s -> String.format(Locale.ROOT, ", about %.0f tokens/s expected",
                s.tokensPerSecond())).orElse("");
        out.printf(Locale.ROOT, "For this machine the catalog's best small chat model is %s %s (context %d%s):%n  %s,"
                        + " %,d bytes, verified by SHA-256 and kept in the Hugging Face cache for the next run.%n",
                m.displayName(), c.file().quantization(), c.fit().contextSize(), speed, m.hubRef(c.file()).text(),
                c.file().sizeBytes());
        return Optional.of(c);
    }
}
