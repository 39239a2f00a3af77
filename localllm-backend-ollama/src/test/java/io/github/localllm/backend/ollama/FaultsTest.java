package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.http.MalformedStreamException;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.http.TruncatedStreamException;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.ScriptedAnswer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way the server or the network can fail is a typed exception that says what to do, and leaves no reader behind. */
class FaultsTest {
    private static final ScriptedAnswer FIVE = ScriptedAnswer.of("one", " two", " three", " four", " five");
    private static final GenerationRequest ASK = GenerationRequest.builder().user("Count to five").build();

    @AfterEach
    void noReaderLeftBehind() {
        Threads.assertNoneLeftBehind();
    }

    @Test
    void aSlowFirstByteWithinTheTimeoutIsWaitedFor() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama, "ollama.first.byte.timeout", "2s");
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.slowFirstByte(Duration.ofMillis(300)));

            assertThat(model.generate(ASK).text()).isEqualTo("one two three four five");
        }
    }

    @Test
    void aFirstByteLaterThanTheTimeoutIsAGenerationTimeout() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama, "ollama.first.byte.timeout", "PT0.3S");
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.slowFirstByte(Duration.ofSeconds(3)));

            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOf(GenerationTimeoutException.class)
                    .hasMessageContaining("did not answer within 300 ms")
                    .satisfies(e -> assertThat(((GenerationTimeoutException) e).isRetryable()).isTrue());
        }
    }

    @Test
    void theRequestsOwnTimeoutCountsWhileTheServerIsSilentBeforeItsAnswer() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.slowFirstByte(Duration.ofSeconds(30)));
            GenerationRequest hurried = ASK.toBuilder().timeout(Duration.ofMillis(300)).build();

            assertThatThrownBy(() -> model.generate(hurried)).isInstanceOf(GenerationTimeoutException.class)
                    .hasMessageContaining("did not finish within");
            // The reader gives up its wait for the answer when interrupted, long before the server's 30 s.
            Threads.assertNoneLeftBehind();
        }
    }

    @Test
    void aStallInsideTheAnswerLongerThanTheIdleTimeoutIsAGenerationTimeoutAfterWhatCame() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama, "ollama.idle.timeout", "PT0.3S");
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.stallAfter(2, Duration.ofSeconds(3)));
            List<String> texts = new ArrayList<>();

            try (GenerationStream stream = model.stream(ASK)) {
                assertThatThrownBy(() -> stream.forEach(c -> texts.add(c.text())))
                        .isInstanceOf(GenerationTimeoutException.class);
            }
            assertThat(texts).containsExactly("one", " two");
        }
    }

    @Test
    void anAnswerCutOffBeforeItsLastLineIsATruncatedStream() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.truncateAfter(3));

            // The connection closes without the chunked encoding's last chunk: the HTTP layer says the answer broke off.
            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOf(GenerationException.class)
                    .hasMessageContaining("broke off").hasMessageContaining("incomplete");
        }
    }

    @Test
    void anAnswerThatEndsCleanlyWithoutItsDoneLineIsATruncatedStream() throws IOException {
        String cut = "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"one\"},\"done\":false}\n";
        try (StubServer stub = new StubServer(line -> line.startsWith("POST /api/chat")
                ? StubServer.http(200, "application/x-ndjson", cut) : OldOllama.answer(line));
             OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                     stub.uri().toString(), "ollama.retries", "1"));
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOfSatisfying(TruncatedStreamException.class,
                    e -> assertThat(e.isRetryable()).isTrue()).hasMessageContaining("without its final value");
        }
    }

    @Test
    void aLineThatIsNotJsonIsAMalformedStream() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/generate", Fault.malformedChunk(2));

            assertThatThrownBy(() -> model.generate(GenerationRequest.of("Count"))).isInstanceOf(MalformedStreamException.class)
                    .hasMessageContaining("line 2");
        }
    }

    @Test
    void anErrorLineInsideTheAnswerEndsItWithTheServersMessage() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.errorAfter(2));
            List<GenerationChunk> seen = new ArrayList<>();

            try (GenerationStream stream = model.stream(ASK)) {
                assertThatThrownBy(() -> stream.forEach(seen::add)).isInstanceOf(GenerationException.class)
                        .hasMessageContaining("an error was encountered while running the model");
            }
            assertThat(seen).hasSize(2);
        }
    }

    @Test
    void membersTheEngineDoesNotKnowAreIgnoredEverywhere() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).fault(Fault.unknownFields()).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult chat = model.generate(ASK);
            GenerationResult prompt = model.generate(GenerationRequest.of("Count"));

            assertThat(chat.text()).isEqualTo("one two three four five");
            assertThat(prompt.text()).isEqualTo("one two three four five");
            assertThat(engine.models()).hasSize(1);
            assertThat(engine.loadedModels()).hasSize(1);
            assertThat(engine.health().up()).isTrue();
        }
    }

    @Test
    void aModelRemovedSinceItWasLoadedIsNotFoundWithThePullHint() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.modelNotFound());

            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("HTTP 404").hasMessageContaining("run `ollama pull llama3.2`");
        }
    }

    @Test
    void tooManyRequestsAndAFullQueueAreServerBusyWithTheirRetryAfter() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.injectNext(1, "/api/chat", Fault.httpStatus(429, Duration.ofSeconds(7)));
            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOfSatisfying(ServerBusyException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                assertThat(e.isRetryable()).isTrue();
            });

            ollama.injectNext(1, "/api/chat", Fault.httpStatus(503, Duration.ofSeconds(2)));
            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOfSatisfying(ServerBusyException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
            }).hasMessageContaining("maximum pending requests exceeded").hasMessageContaining("retry after 2 s");
        }
    }

    @Test
    void aBusyServerIsAskedAgainAfterItsRetryAfterWhenRetriesAreAllowed() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(FIVE).start();
             OllamaBackend engine = Engines.engine(ollama, "ollama.retries", "2");
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.injectNext(1, "/api/chat", Fault.httpStatus(503, Duration.ofSeconds(1)));

            assertThat(model.generate(ASK).text()).isEqualTo("one two three four five");
            assertThat(ollama.requests("/api/chat")).hasSize(2);
        }
    }

    @Test
    void aServerErrorIsAGenerationException() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.httpStatus(500));

            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOf(GenerationException.class)
                    .hasMessageContaining("HTTP 500").hasMessageContaining("the model failed to generate a response");
        }
    }

    @Test
    void aConnectionResetBeforeTheAnswerIsBackendUnavailable() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.inject("/api/chat", Fault.resetConnection());

            assertThatThrownBy(() -> model.generate(ASK)).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("closed the connection before a byte of its answer");
        }
    }

    @Test
    void anHtmlPageFromAProxyIsBackendUnavailableNamingThePage() throws IOException {
        String page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
                + "</body></html>";
        try (StubServer proxy = new StubServer(line -> StubServer.http(502, "text/html", page));
             OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                     proxy.uri().toString(), "ollama.retries", "1"))) {
            assertThatThrownBy(() -> Engines.load(engine, "llama3.2")).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("HTML page").hasMessageContaining("502 Bad Gateway");
            assertThat(engine.health().up()).isFalse();
        }
    }

    @Test
    void aPortThatSpeaksAnotherProtocolIsBackendUnavailable() throws IOException {
        try (StubServer ssh = new StubServer(line -> "SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\n");
             OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                     ssh.uri().toString(), "ollama.retries", "1"))) {
            assertThatThrownBy(() -> Engines.load(engine, "llama3.2")).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("did not answer in HTTP").hasMessageContaining("ollama serve");
            EngineHealth health = engine.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("did not answer in HTTP");
        }
    }

    @Test
    void anotherLlmServerOnThePortIsBackendUnavailableNotAMissingModel() {
        try (FakeOpenAi llamaServer = FakeOpenAi.builder(FakeOpenAi.Flavor.LLAMA_CPP).model("llama3.2").start();
             OllamaBackend engine = Engines.engine(llamaServer)) {
            assertThatThrownBy(() -> Engines.load(engine, "llama3.2")).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("does not serve POST").hasMessageContaining("ollama serve");
            assertThat(engine.health().up()).isFalse();
        }
    }

    @Test
    void aServerThatIsNotRunningIsBackendUnavailableSayingHowToStartIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                "127.0.0.1:" + port, "ollama.retries", "1"))) {
            assertThatThrownBy(() -> Engines.load(engine, "llama3.2")).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("start it with `ollama serve`")
                    .satisfies(e -> assertThat(((BackendUnavailableException) e).isRetryable()).isTrue());
            assertThatThrownBy(engine::models).isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(engine::version).isInstanceOf(BackendUnavailableException.class);
            EngineHealth health = engine.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("ollama serve");
            assertThat(engine.info().version()).isEqualTo("unknown");
        }
    }

    @Test
    void theServerGoingAwayMidAnswerIsAFailureNotAnEnding() {
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces("a", "b", "c", "d", "e", "f")
                .pieceInterval(Duration.ofMillis(100)).build();
        FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(slow).start();
        try (OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2");
             GenerationStream stream = model.stream(ASK)) {
            stream.iterator().next();
            ollama.close();
            assertThatThrownBy(stream::result).isInstanceOf(GenerationException.class);
        } finally {
            ollama.close();
        }
    }
}
