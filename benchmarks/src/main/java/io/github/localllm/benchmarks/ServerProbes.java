package io.github.localllm.benchmarks;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine checks {@code LocalLlm} makes when several engines could serve a model and none is
 * named, done the way {@code io.github.localllm.EngineChoice} does them (it is not public): every
 * provider's {@link InferenceBackendProvider#probe} at once, each on its own daemon thread, all
 * awaited until one deadline, the probe timeout plus 200 ms.
 */
final class ServerProbes {
    /** Ollama, LM Studio, llama.cpp's server: the usual addresses of the server engines. */
    static final int[] USUAL_PORTS = {11434, 1234, 8080};
    /** {@code EngineChoice}'s configuration key and default. */
    static final String TIMEOUT_KEY = "probe.timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(300);

    private ServerProbes() {
    }

    /**
     * @return every provider's health, in the providers' order; a probe that threw or did not answer
     *     in time is down, as {@code EngineChoice} counts it
     */
    static List<EngineHealth> probeAll(List<InferenceBackendProvider> providers, LocalLlmConfig config) {
        Duration timeout = config.getDuration(TIMEOUT_KEY).orElse(DEFAULT_TIMEOUT);
        List<CompletableFuture<EngineHealth>> checks = new ArrayList<>(providers.size());
        for (InferenceBackendProvider p : providers) {
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
        List<EngineHealth> health = new ArrayList<>(providers.size());
        for (CompletableFuture<EngineHealth> check : checks) {
            try {
                health.add(check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                health.add(EngineHealth.down("no answer within " + timeout.toMillis() + " ms", timeout));
            } catch (ExecutionException e) {
                health.add(EngineHealth.down(String.valueOf(e.getCause()), Duration.ZERO));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while probing", e);
            }
        }
        return health;
    }

    /** @return the usual ports something listens on here, which would make a "nothing running" run wrong */
    static List<Integer> listening() {
        List<Integer> open = new ArrayList<>();
        for (int port : USUAL_PORTS) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                open.add(port);
            } catch (IOException e) {
                // Nothing there: as wanted.
            }
        }
        return open;
    }
}
