package io.github.localllm;

import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Picks the engine for a model: the one named, else the highest-priority one that accepts it and is up. */
final class EngineChoice {
    /** Config key: how long each engine's quick check may take when several could serve. */
    static final String PROBE_TIMEOUT = "probe.timeout";
    // A refused connection answers at once; the budget is for a first HttpClient in a cold JVM, measured
    // at over 500 ms on a loaded 2-core machine, where a running server must not be missed.
    private static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);

    private EngineChoice() {
    }

    static InferenceBackendProvider choose(List<InferenceBackendProvider> providers, LocalLlmConfig config,
                                           ModelRef model) {
        if (providers.isEmpty()) {
            throw new BackendUnavailableException("no inference engine found on the class path or module path;"
                    + " add a dependency on io.github.localllm:localllm-backend-llamacpp (GGUF files in process)"
                    + " or a server engine such as localllm-backend-ollama");
        }
        String wanted = config.get(ConfigKeys.BACKEND).orElse(null);
        if (wanted != null) {
            InferenceBackendProvider named = providers.stream().filter(p -> p.id().equals(wanted)).findFirst()
                    .orElseThrow(() -> new BackendUnavailableException("engine '" + wanted + "' was asked for but"
                            + " only " + ids(providers) + " found; add its jar or choose one of those"));
            if (!named.accepts(model)) {
                throw new InvalidRequestException("engine '" + wanted + "' cannot load " + describe(model)
                        + alternatives(providers, model));
            }
            return named;
        }
        List<InferenceBackendProvider> candidates = providers.stream().filter(p -> p.accepts(model)).toList();
        if (candidates.isEmpty()) {
            throw new InvalidRequestException("no engine found loads " + describe(model) + " (found " + ids(providers)
                    + ")" + hint(model));
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return firstUp(candidates, config, model);
    }

    /** Asks every candidate at once, so that several absent servers cost one timeout, not one each. */
    private static InferenceBackendProvider firstUp(List<InferenceBackendProvider> candidates, LocalLlmConfig config,
                                                    ModelRef model) {
        Duration timeout = config.getDuration(PROBE_TIMEOUT).orElse(DEFAULT_PROBE_TIMEOUT);
        List<CompletableFuture<EngineHealth>> checks = new ArrayList<>();
        for (InferenceBackendProvider p : candidates) {
            CompletableFuture<EngineHealth> check = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    check.complete(p.probe(config, timeout));
                } catch (RuntimeException | Error e) {
                    check.complete(EngineHealth.down(p.id() + " failed its check: " + e, Duration.ZERO));
                }
            }, "localllm-probe-" + p.id());
            t.setDaemon(true);
            t.start();
            checks.add(check);
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
        List<String> down = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            EngineHealth health;
            try {
                health = checks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                health = EngineHealth.down("no answer within " + timeout.toMillis() + " ms", timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while looking for an engine for "
                        + describe(model), e);
            } catch (ExecutionException e) {
                health = EngineHealth.down(String.valueOf(e.getCause()), Duration.ZERO);
            }
            if (health.up()) {
                return candidates.get(i);
            }
            down.add(candidates.get(i).id() + ": " + health.detail());
        }
        throw new BackendUnavailableException("no engine that loads " + describe(model) + " is running: "
                + String.join("; ", down) + ". Start one of them, or name the engine with backend(...)");
    }

    private static String describe(ModelRef model) {
        if (model instanceof ModelRef.File f) {
            return "the file " + f.path();
        }
        if (model instanceof ModelRef.Name n) {
            return "the model name '" + n.name() + "'";
        }
        if (model instanceof ModelRef.Hub) {
            return "the Hugging Face file " + model.text();
        }
        return "the address " + model.text();
    }

    private static String alternatives(List<InferenceBackendProvider> providers, ModelRef model) {
        List<InferenceBackendProvider> ok = providers.stream().filter(p -> p.accepts(model)).toList();
        return ok.isEmpty() ? hint(model) : "; use one of " + ids(ok) + ", or leave the engine unset";
    }

    private static String hint(ModelRef model) {
        if (model instanceof ModelRef.File) {
            return "; add io.github.localllm:localllm-backend-llamacpp to run GGUF files in process";
        }
        if (model instanceof ModelRef.Name n) {
            return "; a name such as '" + n.name() + "' is served by a server engine: add"
                    + " io.github.localllm:localllm-backend-ollama (or -openai, -lmstudio), or pass a .gguf file path";
        }
        if (model instanceof ModelRef.Hub) {
            return "; add io.github.localllm:localllm-store, which downloads Hub files (with allowDownloads(true)),"
                    + " or download the file and pass its path";
        }
        return "; add io.github.localllm:localllm-store, which downloads model files (with allowDownloads(true)),"
                + " or download the file and pass its path";
    }

    private static String ids(List<InferenceBackendProvider> providers) {
        return providers.stream().map(InferenceBackendProvider::id).collect(Collectors.joining(", "));
    }
}
