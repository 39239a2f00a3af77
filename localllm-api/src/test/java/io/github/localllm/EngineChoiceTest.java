package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EngineChoiceTest {
    @TempDir
    Path dir;

    private final Map<String, String> explicit = new HashMap<>();

    /** An engine that takes files only, like the in-process one. */
    private static final Provider FILES = new Provider("files", 100, true, false, Duration.ZERO);

    private LocalLlmConfig config() {
        return LocalLlmConfig.load(explicit, Map.of(),
                new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("user.json")));
    }

    private InferenceBackendProvider choose(ModelRef ref, InferenceBackendProvider... providers) {
        return EngineChoice.choose(List.of(providers), config(), ref);
    }

    @Test
    void aNameNeverGoesToTheFileEngineWhateverItsPriority() {
        Provider server = new Provider("server", 1, false, true, Duration.ZERO);
        assertThat(choose(ModelRef.parse("qwen2.5:7b"), FILES, server)).isSameAs(server);
        assertThat(choose(ModelRef.parse("model.gguf"), FILES, server)).isSameAs(FILES);
        assertThat(server.probes.get()).as("one candidate needs no probe").isZero();
    }

    @Test
    void ofSeveralServersTheHighestThatIsUpWins() {
        Provider down = new Provider("first", 50, false, false, Duration.ZERO);
        Provider up = new Provider("second", 40, false, true, Duration.ZERO);
        Provider upToo = new Provider("third", 30, false, true, Duration.ZERO);
        assertThat(choose(ModelRef.name("llama3"), FILES, down, up, upToo)).isSameAs(up);
        assertThat(down.probes.get()).isEqualTo(1);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (upToo.probes.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(upToo.probes.get()).as("every candidate is asked at once").isEqualTo(1);
    }

    @Test
    @Timeout(5)
    void absentServersCostOneTimeoutTogetherAndTheErrorSaysWhatEachAnswered() {
        explicit.put("probe.timeout", "200ms");
        Provider slow1 = new Provider("slow1", 2, false, true, Duration.ofSeconds(30));
        Provider slow2 = new Provider("slow2", 1, false, true, Duration.ofSeconds(30));
        Provider refused = new Provider("refused", 0, false, false, Duration.ZERO);
        long start = System.nanoTime();
        assertThatThrownBy(() -> choose(ModelRef.name("llama3"), slow1, slow2, refused))
                .isInstanceOfSatisfying(BackendUnavailableException.class, e -> {
                    assertThat(e.getMessage()).contains("no engine that loads the model name 'llama3' is running")
                            .contains("slow1: no answer within 200 ms").contains("refused: refused is not running")
                            .contains("name the engine with backend(...)");
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aNamedEngineThatCannotLoadTheReferenceSaysWhichCan() {
        explicit.put("backend", "files");
        Provider server = new Provider("server", 1, false, true, Duration.ZERO);
        assertThatThrownBy(() -> choose(ModelRef.name("llama3"), FILES, server))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("engine 'files' cannot load the model name 'llama3'; use one of server, or leave the"
                        + " engine unset");
    }

    @Test
    void noEngineForTheReferenceNamesTheDependencyToAdd() {
        assertThatThrownBy(() -> choose(ModelRef.name("qwen2.5:7b"), FILES))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no engine found loads the model name 'qwen2.5:7b' (found files)")
                .hasMessageContaining("localllm-backend-ollama");
    }

    @Test
    void aProbeThatThrowsCountsAsDown() {
        Provider broken = new Provider("broken", 5, false, true, Duration.ZERO) {
            @Override
            public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
                throw new IllegalStateException("boom");
            }
        };
        Provider up = new Provider("up", 1, false, true, Duration.ZERO);
        assertThat(choose(ModelRef.name("m"), broken, up)).isSameAs(up);
    }

    static class Provider implements InferenceBackendProvider {
        final String id;
        final int priority;
        final boolean files;
        final boolean up;
        final Duration delay;
        final AtomicInteger probes = new AtomicInteger();

        Provider(String id, int priority, boolean files, boolean up, Duration delay) {
            this.id = id;
            this.priority = priority;
            this.files = files;
            this.up = up;
            this.delay = delay;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public boolean accepts(ModelRef model) {
            return files == model instanceof ModelRef.File;
        }

        @Override
        public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
            probes.incrementAndGet();
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return up ? EngineHealth.up("1", Duration.ZERO) : EngineHealth.down(id + " is not running", Duration.ZERO);
        }

        @Override
        public InferenceBackend create(LocalLlmConfig config) {
            throw new AssertionError("not created in these tests");
        }
    }
}
