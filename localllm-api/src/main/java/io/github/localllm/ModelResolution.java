package io.github.localllm;

import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.internal.Services;
import io.github.localllm.spi.DownloadPlan;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.spi.ModelResolver;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Hub or address reference into a file before an engine is chosen, through the installed
 * {@link ModelResolver}s, and holds the one rule about downloads: only with the user's permission.
 */
final class ModelResolution {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolution.class);

    /**
     * A reference resolved to a file.
     *
     * @param file the file
     * @param how how it was resolved, for the configuration's description
     */
    record Resolved(Path file, String how) {
    }

    private ModelResolution() {
    }

    /** @return the installed resolvers, highest priority first; a broken jar is skipped with a warning */
    static List<ModelResolver> resolvers() {
        List<ModelResolver> found = Services.load(ModelResolver.class, "a model resolver");
        found.sort(Comparator.comparingInt(ModelResolver::priority).reversed());
        return found;
    }

    /**
     * Resolves a Hub file or an address to a file on this machine, unless the engine the user named
     * takes the reference as it is (Ollama pulls {@code hf.co/} names itself). Files and server names
     * are left alone.
     *
     * @return the file, or empty when the reference goes to an engine unchanged
     * @throws DownloadNotAllowedException if it is not here and downloads are not allowed
     */
    static Optional<Resolved> resolve(ModelRef model, LocalLlmConfig config, List<InferenceBackendProvider> providers,
                                      List<ModelResolver> resolvers, LocalLlmEventListener listener) {
        if (!(model instanceof ModelRef.Hub) && !(model instanceof ModelRef.Url)) {
            return Optional.empty();
        }
        Optional<String> named = config.get(ConfigKeys.BACKEND);
        if (named.isPresent() && providers.stream().anyMatch(p -> p.id().equals(named.get()) && p.accepts(model))) {
            return Optional.empty();
        }
        Optional<ModelResolver> resolver = resolvers.stream().filter(r -> r.accepts(model)).findFirst();
        if (resolver.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> here = resolver.get().find(model, config);
        if (here.isPresent()) {
            LOG.info("{} is on this machine: {}", model.text(), here.get());
            return Optional.of(new Resolved(here.get(), "found on this machine"));
        }
        boolean allowed = config.getBoolean(ConfigKeys.MODELS_DOWNLOAD).orElse(false);
        DownloadPlan plan;
        try {
            plan = resolver.get().plan(model, config);
        } catch (ModelDownloadException e) {
            if (allowed) {
                throw e;
            }
            throw new DownloadNotAllowedException(model.text() + " is not on this machine, and downloading it would"
                    + " need your permission; its size is unknown because the server did not answer ("
                    + e.getMessage() + "). " + howToAllow(), e);
        }
        Optional<String> expected = config.get(ConfigKeys.MODEL_SHA256);
        if (expected.isPresent()) {
            plan = plan.withSha256(expected.get());
        }
        if (!allowed) {
            throw new DownloadNotAllowedException(model.text() + " is not on this machine. Downloading it ("
                    + plan.sizeText() + " from " + plan.address() + plan.sha256().map(h -> ", SHA-256 " + h).orElse("")
                    + ") needs your permission: " + howToAllow() + " It would be saved under " + plan.destination()
                    + ".");
        }
        LOG.info("downloading {} ({}) into {}", model.text(), plan.sizeText(), plan.destination());
        Path file = resolver.get().download(plan, config, listener);
        return Optional.of(new Resolved(file, "downloaded from " + plan.address().getHost()));
    }

    private static String howToAllow() {
        return "Call allowDownloads(true) on LocalLlm.builder(), or set " + ConfigKeys.MODELS_DOWNLOAD
                + "=true (LOCALLLM_MODELS_DOWNLOAD=true, -Dlocalllm." + ConfigKeys.MODELS_DOWNLOAD + "=true).";
    }
}
