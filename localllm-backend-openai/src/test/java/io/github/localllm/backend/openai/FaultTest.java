package io.github.localllm.backend.openai;

import static io.github.localllm.backend.openai.Servers.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.http.AuthenticationException;
import io.github.localllm.http.MalformedStreamException;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.http.TruncatedStreamException;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way a server can fail, on each flavor: a typed exception, and no thread left behind. */
class FaultTest {
    private static final GenerationRequest HI = GenerationRequest.builder().user("Hi").build();

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private static FakeOpenAi server(Flavor flavor) {
        return FakeOpenAi.builder(flavor).model(MODEL)
                .answer(ScriptedAnswer.of("One", " two", " three", " four")).start();
    }

    /** Reads the stream, keeping the chunks that came before a failure. */
    private static LocalLlmException readFailing(GenerationStream stream, List<String> seen) {
        try (stream) {
            for (GenerationChunk chunk : stream) {
                seen.add(chunk.text());
            }
            stream.result();
        } catch (LocalLlmException e) {
            return e;
        }
        throw new AssertionError("the stream did not fail; it gave " + seen);
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aSlowFirstByteWithinTheTimeoutIsWaitedFor(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.slowFirstByte(Duration.ofMillis(300)));

            assertThat(model.generate(HI.toBuilder().timeout(Duration.ofSeconds(5)).build()).text())
                    .isEqualTo("One two three four");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aFirstByteLaterThanTheRequestsTimeoutIsAGenerationTimeoutFromStreamItself(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.slowFirstByte(Duration.ofSeconds(3)));

            long start = System.nanoTime();
            assertThatThrownBy(() -> model.stream(HI.toBuilder().timeout(Duration.ofMillis(400)).build()))
                    .isInstanceOf(GenerationTimeoutException.class).hasMessageContaining("400 ms")
                    .satisfies(e -> assertThat(((LocalLlmException) e).isRetryable()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aFirstByteLaterThanTheTransportsTimeoutIsAGenerationTimeout(Flavor flavor) {
        try (FakeOpenAi server = server(flavor);
             ModelInstance model = Servers.load(Servers.builder(server).firstByteTimeout(Duration.ofMillis(300)).build(), MODEL)) {
            server.injectNext(1, "/v1/chat/completions", Fault.slowFirstByte(Duration.ofSeconds(2)));

            assertThatThrownBy(() -> model.generate(HI)).isInstanceOf(GenerationTimeoutException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aStallInTheMiddleIsTheIdleTimeoutAfterTheChunksBeforeIt(Flavor flavor) {
        try (FakeOpenAi server = server(flavor);
             ModelInstance model = Servers.load(Servers.builder(server).idleTimeout(Duration.ofMillis(300)).build(), MODEL)) {
            server.injectNext(1, "/v1/chat/completions", Fault.stallAfter(3, Duration.ofSeconds(3)));
            List<String> seen = new ArrayList<>();

            LocalLlmException e = readFailing(model.stream(HI), seen);

            assertThat(e).isInstanceOf(GenerationTimeoutException.class).hasMessageContaining("stopped sending");
            // The role chunk, then "One" and " two".
            assertThat(String.join("", seen)).isEqualTo("One two");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aStreamCutBeforeDoneIsAnIncompleteAnswerAfterTheChunksBeforeTheCut(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.truncateAfter(3));
            List<String> seen = new ArrayList<>();

            LocalLlmException e = readFailing(model.stream(HI), seen);

            // Cut between two events the reader sees the end before [DONE]; the JDK may see the chunked body broken first.
            assertThat(e).isInstanceOfAny(TruncatedStreamException.class, GenerationException.class)
                    .hasMessageContaining("incomplete");
            assertThat(String.join("", seen)).isEqualTo("One two");
            assertThat(model.generate(HI).text()).isEqualTo("One two three four");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aMalformedChunkIsAMalformedStreamNamingItsLine(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.malformedChunk(3));
            List<String> seen = new ArrayList<>();

            LocalLlmException e = readFailing(model.stream(HI), seen);

            assertThat(e).isInstanceOf(MalformedStreamException.class).hasMessageContaining("line 5");
            assertThat(String.join("", seen)).isEqualTo("One");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void unknownFieldsAreIgnored(Flavor flavor) {
        try (FakeOpenAi server = server(flavor)) {
            server.inject(Fault.unknownFields());
            try (ModelInstance model = Servers.load(server)) {
                assertThat(model.generate(HI).text()).isEqualTo("One two three four");
                assertThat(model.embed(io.github.localllm.EmbeddingRequest.of("a", "b")).embeddings()).hasSize(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void anErrorInTheMiddleOfTheStreamEndsItAfterTheChunksBeforeIt(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.errorAfter(2));
            List<String> seen = new ArrayList<>();

            LocalLlmException e = readFailing(model.stream(HI), seen);

            assertThat(e).isInstanceOf(GenerationException.class).hasMessageContaining("middle of its answer");
            assertThat(String.join("", seen)).isEqualTo("One");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aModelTheServerDoesNotListIsNotFoundNamingThoseItServes(Flavor flavor) {
        try (FakeOpenAi server = server(flavor)) {
            OpenAiBackend backend = Servers.backend(server);

            assertThatThrownBy(() -> Servers.load(backend, "no-such-model")).isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("'no-such-model'").hasMessageContaining("it serves: " + MODEL);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aModelTheServerNoLongerHasIsNotFoundWhenGenerating(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.modelNotFound());

            assertThatThrownBy(() -> model.stream(HI)).isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining(MODEL);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aRefusedKeyIsAnAuthenticationErrorThatNeverShowsTheKey(Flavor flavor) {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (FakeOpenAi server = server(flavor)) {
            OpenAiBackend backend = Servers.builder(server).apiKey(Servers.KEY).organization("org-42").build();
            ModelInstance model = Servers.load(backend, MODEL);
            server.inject(Fault.httpStatus(401));

            Throwable onLoad = org.assertj.core.api.Assertions.catchThrowable(() -> Servers.load(backend, MODEL));
            Throwable onChat = org.assertj.core.api.Assertions.catchThrowable(() -> model.generate(HI));
            Throwable onModels = org.assertj.core.api.Assertions.catchThrowable(backend::models);
            Throwable onEmbed = org.assertj.core.api.Assertions.catchThrowable(
                    () -> model.embed(io.github.localllm.EmbeddingRequest.of("x")));

            for (Throwable t : List.of(onLoad, onChat, onModels, onEmbed)) {
                assertThat(t).isInstanceOf(AuthenticationException.class);
                assertThat(((LocalLlmException) t).isRetryable()).isFalse();
                assertThat(stackText(t)).doesNotContain(Servers.KEY).doesNotContain("0123456789abcdef");
            }
            assertThat(server.requests("/v1/chat/completions").get(0).header("Authorization")).contains("Bearer " + Servers.KEY);
            assertThat(server.requests("/v1/chat/completions").get(0).header("OpenAI-Organization")).contains("org-42");
            model.close();
        } finally {
            System.setErr(original);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("HTTP 401").doesNotContain(Servers.KEY)
                .doesNotContain("0123456789abcdef");
    }

    private static String stackText(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void tooManyRequestsIsServerBusyWithTheRetryAfter(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.httpStatus(429, Duration.ofSeconds(7)));

            assertThatThrownBy(() -> model.stream(HI)).isInstanceOf(ServerBusyException.class)
                    .satisfies(e -> {
                        assertThat(((ServerBusyException) e).retryAfter()).contains(Duration.ofSeconds(7));
                        assertThat(((ServerBusyException) e).isRetryable()).isTrue();
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aBusyServerIsAskedAgainAfterItsRetryAfterWhenRetriesAreOn(Flavor flavor) {
        try (FakeOpenAi server = server(flavor);
             ModelInstance model = Servers.load(Servers.builder(server).retryPolicy(RetryPolicy.defaults()).build(), MODEL)) {
            server.injectNext(1, "/v1/chat/completions", Fault.httpStatus(503, Duration.ofSeconds(1)));

            assertThat(model.generate(HI).text()).isEqualTo("One two three four");
            assertThat(server.requests("/v1/chat/completions")).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aServerErrorIsAGenerationExceptionAndUnavailableIsBusy(Flavor flavor) {
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            server.injectNext(1, "/v1/chat/completions", Fault.httpStatus(500));
            assertThatThrownBy(() -> model.generate(HI)).isInstanceOf(GenerationException.class)
                    .hasMessageContaining("HTTP 500");

            server.injectNext(1, "/v1/chat/completions", Fault.httpStatus(503));
            assertThatThrownBy(() -> model.generate(HI)).isInstanceOf(ServerBusyException.class)
                    .hasMessageContaining("HTTP 503");

            assertThat(model.generate(HI).text()).isEqualTo("One two three four");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aConnectionClosedBeforeTheAnswerIsSentAgainOnlyToALocalLlamaServer(Flavor flavor) {
        try (FakeOpenAi server = server(flavor);
             ModelInstance model = Servers.load(Servers.builder(server).retryPolicy(RetryPolicy.defaults()).build(), MODEL)) {
            server.injectNext(1, "/v1/chat/completions", Fault.resetConnection());

            if (flavor == Flavor.LLAMA_CPP) {
                // A local llama-server keeps no state and bills nothing, and closes connections after
                // streamed answers: a request it never answered is sent once more, on a new connection.
                assertThat(model.generate(HI).text()).isNotEmpty();
                assertThat(server.requests("/v1/chat/completions")).hasSize(2);
                return;
            }
            assertThatThrownBy(() -> model.generate(HI)).isInstanceOfAny(BackendUnavailableException.class,
                    GenerationException.class);
            // A generation may have started on a cloud server and be billed: it is not sent twice.
            assertThat(server.requests("/v1/chat/completions")).hasSize(1);
        }
    }

    @Test
    void anHtmlErrorPageIsReportedAsAnotherProgramNotAsJson() throws Exception {
        String page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
                + "<hr><center>nginx</center></body></html>";
        try (RawServer server = RawServer.answering("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                + "Content-Length: " + page.length() + "\r\nConnection: close\r\n\r\n" + page)) {
            OpenAiBackend backend = OpenAiBackend.builder(URI.create(server.uri() + "/v1")).retryPolicy(RetryPolicy.none())
                    .build();

            assertThatThrownBy(() -> Servers.load(backend, MODEL)).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("HTML page").hasMessageContaining("502 Bad Gateway")
                    .hasMessageNotContaining("<center>");
        }
    }

    @Test
    void anotherProtocolOnThePortIsBackendUnavailable() throws Exception {
        try (RawServer server = RawServer.answering("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")) {
            OpenAiBackend backend = OpenAiBackend.builder(URI.create(server.uri() + "/v1")).retryPolicy(RetryPolicy.none())
                    .connectTimeout(Duration.ofSeconds(2)).firstByteTimeout(Duration.ofSeconds(3)).build();

            assertThatThrownBy(() -> Servers.load(backend, MODEL)).isInstanceOf(BackendUnavailableException.class);
            assertThat(backend.health().up()).isFalse();
        }
    }

    @Test
    void aServerThatIsDownIsBackendUnavailableWithTheHint() throws Exception {
        URI down;
        try (RawServer server = RawServer.answering("")) {
            down = URI.create(server.uri() + "/v1");
        }
        OpenAiBackend backend = OpenAiBackend.builder(down).retryPolicy(RetryPolicy.none()).build();

        assertThatThrownBy(() -> Servers.load(backend, MODEL)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(down.getHost()).hasMessageContaining("llama-server");
        assertThatThrownBy(backend::models).isInstanceOf(BackendUnavailableException.class);
        assertThat(backend.health().up()).isFalse();
        assertThat(backend.health().detail()).contains("llama-server");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aServerThatGoesDownAfterLoadingFailsTheNextRequest(Flavor flavor) {
        FakeOpenAi server = server(flavor);
        ModelInstance model = Servers.load(server);
        server.close();

        assertThatThrownBy(() -> model.generate(HI)).isInstanceOf(BackendUnavailableException.class);
        model.close();
    }

    @Test
    void aRawPromptGoesToCompletionsWithoutTools() {
        try (FakeOpenAi server = server(Flavor.OPENAI); ModelInstance model = Servers.load(server)) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().prompt("Once upon").raw(true)
                    .tool(io.github.localllm.ToolDefinition.of("f", "", null)).build()))
                    .isInstanceOf(io.github.localllm.InvalidRequestException.class).hasMessageContaining("raw prompt");
        }
    }

    @Test
    void aLoadAskingForMoreContextThanTheServerGivesIsRefused() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM)
                .model(io.github.localllm.testkit.FakeModel.builder(MODEL).contextLength(2048).build()).start()) {
            OpenAiBackend backend = Servers.backend(server);

            assertThatThrownBy(() -> backend.load(new ModelLoadRequest(ModelRef.name(MODEL),
                    LoadOptions.builder().contextSize(8192).build())))
                    .isInstanceOf(io.github.localllm.InvalidRequestException.class).hasMessageContaining("2048");
            try (ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.name(MODEL),
                    LoadOptions.builder().contextSize(1024).build()))) {
                assertThat(model.info().options().contextSize()).isEqualTo(2048);
            }
        }
    }

    @Test
    void aFileIsNotAModelNameForAServer() {
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP)) {
            assertThatThrownBy(() -> Servers.backend(server).load(ModelLoadRequest.ofFile(java.nio.file.Path.of("m.gguf"),
                    LoadOptions.defaults()))).isInstanceOf(io.github.localllm.InvalidRequestException.class)
                    .hasMessageContaining("by name");
        }
    }

    @Test
    void cancelledStreamsEndCancelledAndFreeTheirThread() {
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces("a", "b", "c", "d", "e", "f", "g", "h")
                .pieceInterval(Duration.ofMillis(100)).build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).answer(slow).start();
             ModelInstance model = Servers.load(server)) {
            GenerationStream stream = model.stream(HI);
            stream.iterator().next();
            stream.close();
            GenerationResult result = stream.result();

            assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(result.text()).isEqualTo("a");
        }
    }

    @Test
    void theRequestsTimeoutStopsAStreamThatTakesTooLong() {
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces("a", "b", "c", "d", "e", "f", "g", "h")
                .pieceInterval(Duration.ofMillis(150)).build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model(MODEL).answer(slow).start();
             ModelInstance model = Servers.load(server)) {
            assertThatThrownBy(() -> model.generate(HI.toBuilder().timeout(Duration.ofMillis(500)).build()))
                    .isInstanceOf(GenerationTimeoutException.class);
        }
    }

    @Test
    void closingTheModelCancelsItsRunningRequestsAndRefusesNewOnes() {
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces("a", "b", "c", "d", "e", "f", "g", "h")
                .pieceInterval(Duration.ofMillis(100)).build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.OPENAI).model(MODEL).answer(slow).start()) {
            ModelInstance model = Servers.load(server);
            GenerationStream stream = model.stream(HI);
            model.close();

            assertThat(stream.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThatThrownBy(() -> model.generate(HI)).isInstanceOf(io.github.localllm.InvalidRequestException.class)
                    .hasMessageContaining("closed");
        }
    }
}
