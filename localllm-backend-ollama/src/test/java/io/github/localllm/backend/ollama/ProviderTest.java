package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlm;
import io.github.localllm.ResponseFormat;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.FakeOllama;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderTest {

    @Test
    void theProviderIsFoundByServiceLoaderAndByLocalLlm() {
        // LocalLlm's module declares the service use; this module provides it.
        assertThat(LocalLlm.providers()).filteredOn(p -> p.id().equals("ollama"))
                .singleElement().isInstanceOf(OllamaBackendProvider.class);
    }

    @Test
    void itSaysWhatItCanDoWithoutAServer() {
        OllamaBackendProvider p = new OllamaBackendProvider();

        assertThat(p.id()).isEqualTo("ollama");
        assertThat(p.priority()).isLessThan(100);
        assertThat(p.capabilities().responseFormats()).contains(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
                .doesNotContain(ResponseFormat.Kind.GRAMMAR);
        assertThat(p.capabilities().tools()).isTrue();
        assertThat(p.capabilities().loadOptions()).containsExactlyInAnyOrder(LoadOptions.Field.values());
    }

    @Test
    void theProbeAsksTheConfiguredAddressForItsVersion() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.33.0").start()) {
            EngineHealth health = new OllamaBackendProvider(n -> null).probe(Engines.config("ollama.url",
                    ollama.uri().toString()), Duration.ofSeconds(2));

            assertThat(health.up()).isTrue();
            assertThat(health.version()).isEqualTo("0.33.0");
            assertThat(ollama.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly("GET /api/version");
        }
    }

    @Test
    void withoutConfigurationTheProbeFollowsOllamaHostWithOllamasRules() {
        try (FakeOllama ollama = FakeOllama.builder().start()) {
            // Host and port only, no scheme: as `ollama` itself reads OLLAMA_HOST.
            Map<String, String> env = Map.of("OLLAMA_HOST", "0.0.0.0:" + ollama.port());
            OllamaBackendProvider p = new OllamaBackendProvider(env::get);

            assertThat(p.probe(Engines.config(), Duration.ofSeconds(2)).up()).isTrue();
            assertThat(p.create(Engines.config()).baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + ollama.port()));
            // The configuration wins over the environment.
            assertThat(p.create(Engines.config("ollama.url", "http://10.1.2.3:9999")).baseUri())
                    .isEqualTo(URI.create("http://10.1.2.3:9999"));
        }
        assertThat(new OllamaBackendProvider(n -> null).create(Engines.config()).baseUri())
                .isEqualTo(URI.create("http://127.0.0.1:11434"));
    }

    @Test
    void theProbeReportsADownServerWithHowToStartIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EngineHealth health = new OllamaBackendProvider(n -> null).probe(Engines.config("ollama.url",
                "127.0.0.1:" + port), Duration.ofMillis(500));

        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("start it with `ollama serve`");
    }

    @Test
    void theProbeHonoursItsTimeoutWhenTheServerNeverAnswers() throws IOException {
        // A socket that accepts connections and never writes a byte.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept();
                        s.getInputStream();
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            EngineHealth health = new OllamaBackendProvider(n -> null).probe(Engines.config("ollama.url",
                    "127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("did not answer within 300 ms");
            // Not a speed claim: a probe that ignored its timeout would wait minutes here.
            assertThat(took).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aProbeNeverThrowsEvenOnBadConfiguration() {
        EngineHealth health = new OllamaBackendProvider(n -> null).probe(Engines.config("ollama.url", "ftp://x"),
                Duration.ofMillis(100));

        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("ollama.url").contains("'ftp'");
    }

    @Test
    void anErrorAnswerToTheProbeIsDown() {
        try (FakeOllama ollama = FakeOllama.builder().fault(Fault.httpStatus(500)).start()) {
            EngineHealth health = new OllamaBackendProvider(n -> null).probe(Engines.config("ollama.url",
                    ollama.uri().toString()), Duration.ofSeconds(2));

            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("HTTP 500");
        }
    }

    @Test
    void malformedSettingsAreConfigurationErrorsNamingTheirOrigin() {
        OllamaBackendProvider p = new OllamaBackendProvider(n -> "ftp://nowhere");

        assertThatThrownBy(() -> p.create(Engines.config())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OLLAMA_HOST");
        assertThatThrownBy(() -> p.create(Engines.config("ollama.url", "x", "ollama.retries", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ollama.retries");
        assertThatThrownBy(() -> p.create(Engines.config("ollama.url", "x", "ollama.idle.timeout", "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ollama.idle.timeout");
    }
}
