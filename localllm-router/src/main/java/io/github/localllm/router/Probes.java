package io.github.localllm.router;

import io.github.localllm.BackendUnavailableException;
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

/** Engine health checks, all at once: several absent servers cost one timeout, not one each. */
final class Probes {
    /** What a probe that overruns its own timeout gets before it is counted down. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Probes() {
    }

    /**
     * @param providers the engines
     * @param configs the configuration each is probed with, in the same order
     * @param timeout how long each probe may take
     * @return each engine's health, in the same order; never throws for an engine that fails its check
     * @throws BackendUnavailableException if the calling thread is interrupted
     */
    static List<EngineHealth> all(List<InferenceBackendProvider> providers, List<LocalLlmConfig> configs,
                                  Duration timeout) {
        List<CompletableFuture<EngineHealth>> checks = new ArrayList<>();
        for (int i = 0; i < providers.size(); i++) {
            InferenceBackendProvider p = providers.get(i);
            LocalLlmConfig config = configs.get(i);
            CompletableFuture<EngineHealth> check = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    check.complete(p.probe(config, timeout));
                } catch (RuntimeException | Error failure) {
                    check.complete(EngineHealth.down(p.id() + " failed its check: " + failure, Duration.ZERO));
                }
            }, "localllm-router-probe-" + p.id());
            t.setDaemon(true);
            t.start();
            checks.add(check);
        }
        long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
        List<EngineHealth> out = new ArrayList<>();
        for (CompletableFuture<EngineHealth> check : checks) {
            EngineHealth health;
            try {
                health = check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                health = EngineHealth.down("no answer within " + timeout.toMillis() + " ms", timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while probing the engines", e);
            } catch (ExecutionException e) {
                health = EngineHealth.down(String.valueOf(e.getCause()), Duration.ZERO);
            }
            out.add(health);
        }
        return out;
    }
}
