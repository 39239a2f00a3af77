package io.github.localllm.backend.openai;

import static io.github.localllm.backend.openai.Servers.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelSummary;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the engine reads from a server besides answers: models, context, version, health, embeddings, completions. */
class ServerTest {
    private static final FakeModel LLAMA = FakeModel.builder("small-q4_k_m").contextLength(2048).quantization("Q4_K_M")
            .parameterSize("134M").sizeBytes(85_181_952L).build();

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    @Test
    void llamaCppTellsItsContextBuildAndGrammarDialect() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(LLAMA).start()) {
            OpenAiBackend backend = Servers.backend(server);
            try (ModelInstance model = Servers.load(backend, "small-q4_k_m")) {
                assertThat(model.info().options().contextSize()).isEqualTo(2048);
                assertThat(model.info().trainedContextLength()).isEqualTo(2048);
                assertThat(model.info().quantization()).isEqualTo("Q4_K_M");
                assertThat(model.info().parameterCount()).isEqualTo(134_000_000L);
                assertThat(model.info().backend()).isEqualTo("openai");
                // b10470 parses token terminals (<[id]>): the grammars are checked in its dialect.
                assertThat(model.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b10470");
                assertThat(model.info().capabilities().responseFormats()).contains(ResponseFormat.Kind.GRAMMAR);
                // The captured server has no vision.
                assertThat(model.info().capabilities().images()).isFalse();
            }
            assertThat(backend.dialect()).isEqualTo(ServerDialect.LLAMA_CPP);
            assertThat(backend.info().version()).isEqualTo("b10470-34af94cd9");
            assertThat(backend.info().endpoint()).isEqualTo(server.uri("/v1"));
            assertThat(backend.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b10470");
        }
    }

    @Test
    void anOlderLlamaCppBuildIsCheckedInTheB4916Dialect() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(LLAMA).systemFingerprint("b6500-abcdef012")
                .start(); ModelInstance model = Servers.load(Servers.backend(server), "small-q4_k_m")) {
            assertThat(model.info().capabilities().grammarDialect()).isEqualTo("llama.cpp b4916");
            assertThatThrownBy(() -> model.generate(io.github.localllm.GenerationRequest.builder().user("Hi")
                    .responseFormat(ResponseFormat.grammar("root ::= <[403]>")).build()))
                    .isInstanceOf(io.github.localllm.InvalidRequestException.class).hasMessageContaining("llama.cpp b4916");
            assertThat(server.requests("/v1/chat/completions")).isEmpty();
        }
    }

    @Test
    void llamaCppNamesItsModelByItsPathAndTheFileNameFindsIt() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("/srv/models/stories260K-f16.gguf").start()) {
            try (ModelInstance model = Servers.load(Servers.backend(server), "stories260K-f16")) {
                assertThat(model.info().name()).isEqualTo("/srv/models/stories260K-f16.gguf");
            }
        }
    }

    @Test
    void aPromptTooLongForTheContextIsAContextOverflow() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(LLAMA).start();
             ModelInstance model = Servers.load(Servers.backend(server), "small-q4_k_m")) {
            // What llama.cpp answers (capture 16), from a fake that answers every request with a 400.
            server.injectNext(1, "/v1/chat/completions", Fault.httpStatus(400));
            assertThatThrownBy(() -> model.generate("x")).isInstanceOf(InvalidRequestException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aRawPromptGoesToCompletionsAsIs(Flavor flavor) {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces(" there", " was", " a cat").stopReason(StopReason.LENGTH)
                .promptTokens(3).build();
        try (FakeOpenAi server = FakeOpenAi.builder(flavor).model(MODEL).answer(answer).start();
             ModelInstance model = Servers.load(server)) {
            List<String> pieces = new ArrayList<>();
            GenerationResult result;
            try (GenerationStream stream = model.stream(GenerationRequest.builder().prompt("Once upon a time").raw(true)
                    .maxTokens(3).build())) {
                for (GenerationChunk c : stream) {
                    pieces.add(c.text());
                }
                result = stream.result();
            }

            assertThat(pieces).containsExactly(" there", " was", " a cat");
            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(result.usage().promptTokens()).isEqualTo(3);
            assertThat(server.lastRequest().path()).isEqualTo("/v1/completions");
            assertThat(server.lastRequest().json("/prompt")).contains("\"Once upon a time\"");
            assertThat(server.lastRequest().json("/max_tokens")).contains("3");
        }
    }

    @Test
    void aRawPromptAsksLlamaCppForJsonThroughItsOwnField() {
        try (FakeOpenAi llama = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).answer("{\"a\":1}").start();
             FakeOpenAi vllm = FakeOpenAi.builder(Flavor.VLLM).model(MODEL).answer("{\"a\":1}").start();
             ModelInstance onLlama = Servers.load(llama); ModelInstance onVllm = Servers.load(vllm)) {
            GenerationRequest request = GenerationRequest.builder().prompt("JSON:").raw(true)
                    .responseFormat(ResponseFormat.json()).build();

            assertThat(onLlama.generate(request).text()).isEqualTo("{\"a\":1}");
            assertThat(llama.lastRequest().json("/json_schema")).contains("{\"type\":\"object\"}");
            assertThatThrownBy(() -> onVllm.generate(request)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("raw prompt");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavor.class, names = {"VLLM", "OPENAI"})
    void embeddingsComeBackInInputOrderAndNormalised(Flavor flavor) {
        try (FakeOpenAi server = FakeOpenAi.builder(flavor).model(FakeModel.embedding("nomic-embed"))
                .embedding(3, 4).embedding(0, 2).start();
             ModelInstance model = Servers.load(Servers.backend(server), "nomic-embed")) {
            EmbeddingResult result = model.embed(EmbeddingRequest.of("first", "second"));
            EmbeddingResult raw = model.embed(new EmbeddingRequest(List.of("first"), false));

            assertThat(result.embeddings()).extracting(Embedding::dimension).containsExactly(2, 2);
            assertThat(result.embeddings().get(0).vector()).containsExactly(0.6f, 0.8f);
            assertThat(result.embeddings().get(1).vector()).containsExactly(0f, 1f);
            assertThat(raw.first().vector()).containsExactly(3f, 4f);
            assertThat(result.promptTokens()).isPositive();
            assertThat(result.model()).isEqualTo("nomic-embed");
            assertThat(server.lastRequest().json("/input")).contains("[\"first\"]");
            assertThat(server.lastRequest().json("/encoding_format")).contains("\"float\"");
        }
    }

    @Test
    void llamaCppEmbedsWhenStartedWithEmbeddingsAndOtherwiseSaysHowToStartIt() {
        try (FakeOpenAi embedder = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(LLAMA).start();
             FakeOpenAi chat = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(LLAMA).embeddings(false).start();
             ModelInstance e = Servers.load(Servers.backend(embedder), "small-q4_k_m");
             ModelInstance c = Servers.load(Servers.backend(chat), "small-q4_k_m")) {
            assertThat(e.info().capabilities().embeddings()).isTrue();
            assertThat(e.embed(EmbeddingRequest.of("hello")).first().norm()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            // Loading asked with one token, and the 501 said no: the refusal needs no request.
            assertThat(c.info().capabilities().embeddings()).isFalse();
            int asked = chat.requests("/v1/embeddings").size();
            assertThatThrownBy(() -> c.embed(EmbeddingRequest.of("hello"))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("--embeddings");
            assertThat(chat.requests("/v1/embeddings")).hasSize(asked);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void modelsListWhatTheServerServes(Flavor flavor) {
        try (FakeOpenAi server = FakeOpenAi.builder(flavor).model(LLAMA).model("second").start()) {
            OpenAiBackend backend = Servers.backend(server);
            List<ModelSummary> models = backend.models();
            List<LoadedModel> loaded = backend.loadedModels();

            if (flavor == Flavor.LLAMA_CPP) {
                // llama-server serves one model, loaded.
                assertThat(models).singleElement().satisfies(m -> {
                    assertThat(m.name()).isEqualTo("small-q4_k_m");
                    assertThat(m.contextLength()).isEqualTo(2048);
                    assertThat(m.sizeBytes()).isEqualTo(85_181_952L);
                    assertThat(m.quantization()).isEqualTo("Q4_K_M");
                    assertThat(m.parameterSize()).isEqualTo("134M");
                    assertThat(m.loaded()).isTrue();
                });
                assertThat(loaded).singleElement().satisfies(l -> {
                    assertThat(l.ref()).isEqualTo(ModelRef.name("small-q4_k_m"));
                    assertThat(l.contextSize()).isEqualTo(2048);
                });
            } else {
                assertThat(models).extracting(ModelSummary::name).containsExactly("small-q4_k_m", "second");
                assertThat(loaded).hasSize(flavor == Flavor.VLLM ? 2 : 0);
                if (flavor == Flavor.VLLM) {
                    assertThat(models.get(0).contextLength()).isEqualTo(2048);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void healthIsUpWithTheVersionAndDownWithWhatToDo(Flavor flavor) {
        FakeOpenAi server = FakeOpenAi.builder(flavor).model(LLAMA).start();
        OpenAiBackend backend = Servers.backend(server);
        EngineHealth up = backend.health();
        server.inject(Fault.httpStatus(503));
        EngineHealth loading = backend.health();
        server.close();
        EngineHealth down = backend.health();

        assertThat(up.up()).isTrue();
        assertThat(up.version()).isEqualTo(flavor == Flavor.LLAMA_CPP ? "b10470-34af94cd9" : "");
        assertThat(loading.up()).isFalse();
        assertThat(loading.detail()).contains("503");
        assertThat(down.up()).isFalse();
        assertThat(down.detail()).contains("llama-server");
    }

    @Test
    void healthAnswersWithinItsTimeoutEvenWhenTheServerHangs() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model(MODEL).start()) {
            server.inject(Fault.slowFirstByte(Duration.ofSeconds(5)));
            OpenAiBackend backend = Servers.builder(server).healthTimeout(Duration.ofMillis(300)).build();

            long start = System.nanoTime();
            EngineHealth health = backend.health();

            assertThat(health.up()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
