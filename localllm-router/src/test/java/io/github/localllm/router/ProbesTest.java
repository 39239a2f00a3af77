package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The automatic router's engine checks: one that hangs or breaks its contract is counted down, not waited for. */
class ProbesTest {

    private static InferenceBackendProvider provider(String id, Supplier<EngineHealth> probe) {
        return new InferenceBackendProvider() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
                return probe.get();
            }

            @Override
            public InferenceBackend create(LocalLlmConfig config) {
                throw new AssertionError("a probe never creates an engine");
            }
        };
    }

    @Test
    void everyEngineIsAnsweredForInOrderEvenWhenOneHangsOrThrows() {
        CountDownLatch never = new CountDownLatch(1);
        List<InferenceBackendProvider> providers = List.of(
                provider("up", () -> EngineHealth.up("1.0", Duration.ZERO)),
                provider("hangs", () -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return EngineHealth.up("late", Duration.ZERO);
                }),
                provider("throws", () -> {
                    throw new IllegalStateException("broken provider");
                }));
        LocalLlmConfig config = LocalLlmConfig.empty();
        try {
            List<EngineHealth> health = Probes.all(providers, List.of(config, config, config), Duration.ofMillis(50));
            assertThat(health).extracting(EngineHealth::up).containsExactly(true, false, false);
            assertThat(health.get(1).detail()).isEqualTo("no answer within 50 ms");
            assertThat(health.get(2).detail()).startsWith("throws failed its check: java.lang.IllegalStateException");
        } finally {
            never.countDown();
        }
    }
}
