package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeOpenAi;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The tests' backends on the testkit's fakes, and the check that no reader thread outlives its request. */
final class Servers {
    static final String MODEL = "qwen2.5-0.5b-instruct";
    static final String KEY = "sk-test-0123456789abcdefghijklmnop";

    private Servers() {
    }

    static OpenAiBackend.Builder builder(FakeOpenAi server) {
        return OpenAiBackend.builder(URI.create(server.uri() + "/v1"))
                .connectTimeout(Duration.ofSeconds(2))
                .firstByteTimeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofSeconds(5))
                .retryPolicy(RetryPolicy.none());
    }

    static OpenAiBackend backend(FakeOpenAi server) {
        return builder(server).build();
    }

    static ModelInstance load(OpenAiBackend backend, String model) {
        return backend.load(new ModelLoadRequest(ModelRef.name(model), LoadOptions.defaults()));
    }

    static ModelInstance load(FakeOpenAi server) {
        return load(backend(server), MODEL);
    }

    /** Waits up to 5 s for every thread the engine started to end, then says which did not. */
    static void assertNoThreadLeft() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(n -> n.startsWith("localllm-openai-")).collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } while (System.nanoTime() < deadline);
        assertThat(left).as("reader threads still running").isEmpty();
    }
}
