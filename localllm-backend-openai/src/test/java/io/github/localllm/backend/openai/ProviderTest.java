package io.github.localllm.backend.openai;

import static io.github.localllm.backend.openai.Servers.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.Fault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderTest {
    private static final String ENV_KEY = "sk-from-the-environment-0123456789";

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private static LocalLlmConfig config(Map<String, String> values) {
        return LocalLlmConfig.load(values, Map.of(), new ConfigEnvironment(Map.of(), Map.of(), Path.of("/nonexistent"),
                Path.of("/nonexistent/config.json")));
    }

    private static OpenAiBackendProvider provider() {
        return new OpenAiBackendProvider(name -> name.equals(ApiKeys.ENV) ? ENV_KEY : null);
    }

    @Test
    void theServiceLoaderFindsTheProviderWhichTakesNamesOnly() {
        InferenceBackendProvider found = io.github.localllm.LocalLlm.providers().stream()
                .filter(p -> p.id().equals("openai")).findFirst().orElseThrow();

        assertThat(found).isInstanceOf(OpenAiBackendProvider.class);
        assertThat(found.displayName()).isEqualTo("an OpenAI-compatible server");
        assertThat(found.accepts(ModelRef.name("qwen2.5:7b"))).isTrue();
        assertThat(found.accepts(ModelRef.file(Path.of("model.gguf")))).isFalse();
        assertThat(found.accepts(ModelRef.hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "q.gguf"))).isFalse();
        assertThat(found.capabilities().tools()).isTrue();
        assertThat(found.capabilities().grammarDialect()).isEmpty();
    }

    @Test
    void withoutConfigurationItTalksToLlamaServersDefaultAddress() {
        try (InferenceBackend backend = provider().create(config(Map.of()))) {
            assertThat(((OpenAiBackend) backend).baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
            assertThat(backend.info().endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
            assertThat(backend.info().id()).isEqualTo("openai");
        }
    }

    @Test
    void aBadAddressIsAConfigurationErrorNamingTheKeyButNotTheValue() {
        assertThatThrownBy(() -> provider().create(config(Map.of("openai.url", "ftp://user:secret@host/v1"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("openai.url")
                .hasMessageNotContaining("secret");
        assertThat(provider().probe(config(Map.of("openai.url", "not an address")), Duration.ofSeconds(1)).up()).isFalse();
    }

    @Test
    void theConfiguredKeyOrganizationAndProjectGoToTheConfiguredServer() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.OPENAI).model(MODEL).answer("ok").start()) {
            Map<String, String> values = new HashMap<>();
            values.put("openai.url", server.uri() + "/v1");
            values.put("openai.api.key", Servers.KEY);
            values.put("openai.organization", "org-1");
            values.put("openai.project", "proj_2");
            try (InferenceBackend backend = provider().create(config(values));
                 ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.name(MODEL), LoadOptions.defaults()))) {
                model.generate("Hi");
            }

            assertThat(server.lastRequest().header("Authorization")).contains("Bearer " + Servers.KEY);
            assertThat(server.lastRequest().header("OpenAI-Organization")).contains("org-1");
            assertThat(server.lastRequest().header("OpenAI-Project")).contains("proj_2");
            assertThat(config(values).describe()).doesNotContain(Servers.KEY);
        }
    }

    @Test
    void theEnvironmentsCloudKeyNeverGoesToAnotherServer() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.OPENAI).model(MODEL).answer("ok").start()) {
            try (InferenceBackend backend = provider().create(config(Map.of("openai.url", server.uri() + "/v1")));
                 ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.name(MODEL), LoadOptions.defaults()))) {
                model.generate("Hi");
            }

            assertThat(server.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
        }
        assertThat(ApiKeys.choose(URI.create("https://api.openai.com/v1"), Optional.empty(), n -> ENV_KEY)).contains(ENV_KEY);
        assertThat(ApiKeys.choose(URI.create("http://api.openai.com/v1"), Optional.empty(), n -> ENV_KEY)).isEmpty();
        assertThat(ApiKeys.choose(URI.create("https://api.openai.com.evil.example/v1"), Optional.empty(), n -> ENV_KEY)).isEmpty();
        assertThat(ApiKeys.choose(URI.create("http://127.0.0.1:8080/v1"), Optional.empty(), n -> ENV_KEY)).isEmpty();
        assertThat(ApiKeys.choose(URI.create("http://127.0.0.1:8080/v1"), Optional.of("mine"), n -> ENV_KEY)).contains("mine");
    }

    @Test
    void aProbeFindsAServerUpAndOneDownOrHangingWithinItsTimeout() throws Exception {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).start()) {
            EngineHealth up = provider().probe(config(Map.of("openai.url", server.uri() + "/v1")), Duration.ofSeconds(2));
            assertThat(up.up()).isTrue();
            assertThat(up.version()).isEqualTo("b10470-34af94cd9");

            server.inject(Fault.slowFirstByte(Duration.ofSeconds(5)));
            long start = System.nanoTime();
            EngineHealth hanging = provider().probe(config(Map.of("openai.url", server.uri() + "/v1")), Duration.ofMillis(300));
            assertThat(hanging.up()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        URI closed;
        try (RawServer socket = RawServer.answering("")) {
            closed = socket.uri();
        }
        long start = System.nanoTime();
        EngineHealth down = provider().probe(config(Map.of("openai.url", closed + "/v1")), Duration.ofMillis(500));
        assertThat(down.up()).isFalse();
        assertThat(down.detail()).contains(closed.getHost());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
