package io.github.localllm.backend.lmstudio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.ToolDefinition;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.http.AuthenticationException;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelSummary;
import io.github.localllm.testkit.FakeLmStudio;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.ScriptedAnswer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LmStudioTest {
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String GEMMA = "google/gemma-3-4b";
    private static final String NOMIC = "text-embedding-nomic-embed-text-v1.5";
    private static final String TOKEN = "lms-token-0123456789abcdefghij";

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("localllm-openai-")).collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("reader threads still running").isEmpty();
    }

    private static FakeLmStudio.Builder lmStudio() {
        return FakeLmStudio.builder()
                .model(FakeModel.builder(QWEN).family("qwen2").contextLength(32768).loaded(true).parameterSize("7.6B")
                        .sizeBytes(4_683_073_952L).build())
                .model(FakeModel.builder(GEMMA).family("gemma3").contextLength(131072).build())
                .model(FakeModel.embedding(NOMIC));
    }

    private static LmStudioBackend backend(FakeLmStudio server) {
        return LmStudioBackend.builder(server.uri()).retryPolicy(RetryPolicy.none()).build();
    }

    private static ModelInstance load(LmStudioBackend backend, String model, Integer context) {
        return backend.load(new ModelLoadRequest(ModelRef.name(model), LoadOptions.builder().contextSize(context).build()));
    }

    @Test
    void modelsComeFromTheRestApiWithStateTypeAndSizes() {
        try (FakeLmStudio server = lmStudio().start()) {
            LmStudioBackend backend = backend(server);
            List<ModelSummary> models = backend.models();
            List<LoadedModel> loaded = backend.loadedModels();

            assertThat(models).extracting(ModelSummary::name).containsExactly(QWEN, GEMMA, NOMIC);
            assertThat(models.get(0)).satisfies(m -> {
                assertThat(m.loaded()).isTrue();
                assertThat(m.architecture()).isEqualTo("qwen2");
                assertThat(m.quantization()).isEqualTo("Q4_K_M");
                assertThat(m.contextLength()).isEqualTo(32768);
                assertThat(m.sizeBytes()).isEqualTo(4_683_073_952L);
                assertThat(m.parameterSize()).isEqualTo("7.6B");
            });
            assertThat(models.get(1).loaded()).isFalse();
            assertThat(loaded).singleElement().satisfies(l -> {
                assertThat(l.ref()).isEqualTo(ModelRef.name(QWEN));
                assertThat(l.contextSize()).isEqualTo(4096);
            });
            assertThat(backend.info().id()).isEqualTo("lmstudio");
            assertThat(backend.info().capabilities().loadOptions()).contains(LoadOptions.Field.CONTEXT_SIZE);
            assertThat(backend.health().up()).isTrue();
        }
    }

    @Test
    void aLoadedModelIsUsedAsItIsAndNotUnloadedOnClose() {
        try (FakeLmStudio server = lmStudio().answer("Hello").start()) {
            LmStudioBackend backend = backend(server);
            try (ModelInstance model = load(backend, QWEN, null)) {
                assertThat(model.info().options().contextSize()).isEqualTo(4096);
                assertThat(model.info().architecture()).isEqualTo("qwen2");
                assertThat(model.info().trainedContextLength()).isEqualTo(32768);
                assertThat(model.info().backend()).isEqualTo("lmstudio");
                assertThat(model.generate("Hi").text()).isEqualTo("Hello");
            }

            assertThat(server.requests("/api/v1/models/load")).isEmpty();
            assertThat(server.requests("/api/v1/models/unload")).isEmpty();
            assertThat(backend.loadedModels()).extracting(LoadedModel::ref).containsExactly(ModelRef.name(QWEN));
        }
    }

    @Test
    void aModelIsLoadedWithTheContextAskedForAndUnloadedWhenClosed() {
        try (FakeLmStudio server = lmStudio().loadTime(Duration.ofMillis(2500)).answer("Hi").start()) {
            LmStudioBackend backend = backend(server);
            ModelInstance model = load(backend, GEMMA, 8192);

            RecordedRequest loadRequest = server.requests("/api/v1/models/load").get(0);
            assertThat(loadRequest.json("/model")).contains("\"" + GEMMA + "\"");
            assertThat(loadRequest.json("/context_length")).contains("8192");
            assertThat(model.info().options().contextSize()).isEqualTo(8192);
            assertThat(model.info().loadTime()).isEqualTo(Duration.ofMillis(2500));
            assertThat(backend.loadedModels()).extracting(LoadedModel::contextSize).containsExactly(4096, 8192);
            assertThat(model.generate("Hi").text()).isEqualTo("Hi");

            model.close();

            assertThat(server.requests("/api/v1/models/unload")).singleElement()
                    .satisfies(r -> assertThat(r.json("/instance_id")).contains("\"" + GEMMA + "\""));
            assertThat(backend.loadedModels()).extracting(LoadedModel::ref).containsExactly(ModelRef.name(QWEN));
        }
    }

    @Test
    void aLoadedModelWithAnotherContextIsLoadedAgainWithTheOneAskedFor() {
        try (FakeLmStudio server = lmStudio().start()) {
            try (ModelInstance model = load(backend(server), QWEN, 16384)) {
                assertThat(model.info().options().contextSize()).isEqualTo(16384);
                assertThat(server.requests("/api/v1/models/load")).hasSize(1);
            }
        }
    }

    @Test
    void aContextLongerThanTheModelTakesIsRefusedBeforeLoading() {
        try (FakeLmStudio server = lmStudio().start()) {
            assertThatThrownBy(() -> load(backend(server), QWEN, 65536)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("32768");
            assertThat(server.requests("/api/v1/models/load")).isEmpty();
        }
    }

    @Test
    void anUnknownModelIsNotFoundNamingTheDownloadedOnes() {
        try (FakeLmStudio server = lmStudio().start()) {
            assertThatThrownBy(() -> load(backend(server), "llama-99b", null)).isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("'llama-99b'").hasMessageContaining(QWEN).hasMessageContaining(GEMMA)
                    .hasMessageContaining("lms get llama-99b");
        }
    }

    @Test
    void generateReportsLmStudiosOwnStats() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("The", " answer", " is", " 42.").promptTokens(24)
                .promptEvalDuration(Duration.ofMillis(111)).evalDuration(Duration.ofMillis(200)).build();
        try (FakeLmStudio server = lmStudio().answer(answer).start(); ModelInstance model = load(backend(server), QWEN, null)) {
            GenerationResult r = model.generate("What is the answer?");

            assertThat(r.text()).isEqualTo("The answer is 42.");
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.usage().promptTokens()).isEqualTo(24);
            // stats: 4 tokens in 0.2 s, the first after 0.111 s.
            assertThat(r.metrics().generationTokensPerSecond()).isCloseTo(20.0, Offset.offset(1e-9));
            assertThat(r.metrics().timeToFirstToken()).isEqualTo(Duration.ofMillis(111));
            assertThat(r.metrics().promptTokensPerSecond()).isCloseTo(24 / 0.111, Offset.offset(1e-6));
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.path()).isEqualTo("/api/v0/chat/completions");
            assertThat(sent.json("/stream")).contains("false");
        }
    }

    @Test
    void streamGoesThroughTheOpenAiApi() {
        try (FakeLmStudio server = lmStudio().answer("Once", " upon", " a time").start();
             ModelInstance model = load(backend(server), QWEN, null)) {
            List<String> pieces = new ArrayList<>();
            GenerationResult r;
            try (GenerationStream stream = model.stream(GenerationRequest.builder().user("Story").build())) {
                for (GenerationChunk c : stream) {
                    pieces.add(c.text());
                }
                r = stream.result();
            }

            assertThat(pieces).containsExactly("Once", " upon", " a time");
            assertThat(r.usage().completionTokens()).isEqualTo(3);
            assertThat(server.lastRequest().path()).isEqualTo("/v1/chat/completions");
            assertThat(server.lastRequest().json("/stream_options/include_usage")).contains("true");
        }
    }

    @Test
    void toolCallsAndJsonAnswersTakeLmStudiosShapes() {
        ScriptedAnswer calls = ScriptedAnswer.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}"));
        try (FakeLmStudio server = lmStudio().answer(calls).answer("{\"ok\":true}").start();
             ModelInstance model = load(backend(server), QWEN, null)) {
            GenerationResult called = model.generate(GenerationRequest.builder().user("Oslo?")
                    .tool(ToolDefinition.of("get_weather", "", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                    .build());
            GenerationResult json = model.generate(GenerationRequest.builder().message(ChatMessage.user("JSON"))
                    .responseFormat(ResponseFormat.json()).build());

            assertThat(called.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(called.toolCalls()).singleElement().satisfies(c -> {
                assertThat(c.id()).matches("\\d+");
                assertThat(c.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
            });
            assertThat(json.text()).isEqualTo("{\"ok\":true}");
            // LM Studio refuses json_object: any object is asked for with a schema.
            assertThat(server.lastRequest().json("/response_format/type")).contains("\"json_schema\"");
            assertThat(server.lastRequest().json("/response_format/json_schema/schema")).contains("{\"type\":\"object\"}");
        }
    }

    @Test
    void embeddingsComeFromTheEmbeddingModel() {
        try (FakeLmStudio server = lmStudio().embedding(1, 0, 0).start(); ModelInstance model = load(backend(server), NOMIC, null)) {
            assertThat(model.info().capabilities().embeddings()).isTrue();
            assertThat(model.embed(EmbeddingRequest.of("a", "b")).embeddings()).hasSize(2)
                    .allSatisfy(e -> assertThat(e.vector()).containsExactly(1f, 0f, 0f));
            assertThat(server.lastRequest().path()).isEqualTo("/v1/embeddings");
        }
    }

    @Test
    void anLmStudioWithoutTheLoadRouteLoadsOnTheFirstRequestUnlessAContextIsAsked() {
        try (FakeLmStudio server = lmStudio().answer("ok").start()) {
            server.inject("/api/v1/models/load", Fault.httpStatus(404));
            LmStudioBackend backend = backend(server);
            try (ModelInstance model = load(backend, GEMMA, null)) {
                assertThat(model.generate("Hi").text()).isEqualTo("ok");
                assertThat(model.info().options().contextSize()).isNull();
            }

            assertThatThrownBy(() -> load(backend, GEMMA, 8192)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("0.4");
        }
    }

    @Test
    void aRefusedTokenIsAnAuthenticationErrorThatNeverShowsTheToken() {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (FakeLmStudio server = lmStudio().start()) {
            LmStudioBackend backend = (LmStudioBackend) new LmStudioBackendProvider(n -> n.equals("LM_API_TOKEN") ? TOKEN : null)
                    .create(config("lmstudio.url", server.uri().toString()));
            ModelInstance model = load(backend, QWEN, null);
            server.inject(Fault.httpStatus(401));

            for (Throwable t : List.of(catchIt(() -> load(backend, GEMMA, null)), catchIt(() -> model.generate("Hi")),
                    catchIt(backend::models))) {
                assertThat(t).isInstanceOf(AuthenticationException.class);
                assertThat(t.getMessage()).doesNotContain(TOKEN);
            }
            assertThat(server.requests("/api/v0/models").get(0).header("Authorization")).contains("Bearer " + TOKEN);
            model.close();
        } finally {
            System.setErr(original);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("401").doesNotContain(TOKEN);
    }

    private static LocalLlmConfig config(String key, String value) {
        return LocalLlmConfig.load(Map.of(key, value), Map.of(), new ConfigEnvironment(Map.of(), Map.of(),
                Path.of("/nonexistent"), Path.of("/nonexistent/config.json")));
    }

    private static Throwable catchIt(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no exception");
    }

    @Test
    void anLmStudioThatIsNotRunningSaysHowToStartIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LmStudioBackend backend = LmStudioBackend.builder(URI.create("http://127.0.0.1:" + port))
                .retryPolicy(RetryPolicy.none()).build();

        assertThatThrownBy(backend::models).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("lms server start");
        assertThat(backend.health().up()).isFalse();
        assertThat(new LmStudioBackendProvider(n -> null).probe(config("lmstudio.url", "http://127.0.0.1:" + port),
                Duration.ofMillis(500)).up()).isFalse();
    }

    @Test
    void theProviderIsFoundAndTakesNamesOnly() {
        LmStudioBackendProvider provider = (LmStudioBackendProvider) io.github.localllm.LocalLlm.providers().stream()
                .filter(p -> p.id().equals("lmstudio")).findFirst().orElseThrow();

        assertThat(provider.accepts(ModelRef.name(QWEN))).isTrue();
        assertThat(provider.accepts(ModelRef.file(Path.of("x.gguf")))).isFalse();
        assertThat(provider.priority()).isGreaterThan(new io.github.localllm.backend.openai.OpenAiBackendProvider().priority());
    }
}
