package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ContextOverflowException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.ScriptedAnswer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A prompt longer than the context is never answered, whatever the server's generation does with it. */
class ContextOverflowTest {
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(512).build();
    private static final ScriptedAnswer TOO_LONG = ScriptedAnswer.builder().pieces("An", " answer").promptTokens(600)
            .build();

    @AfterEach
    void noReaderLeftBehind() {
        Threads.assertNoneLeftBehind();
    }

    @Test
    void aCurrentServerRefusesWithLlamaServersCountsBecauseTruncateIsOff() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(TOO_LONG).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("a long story").build()))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                        assertThat(e.promptTokens()).isEqualTo(600);
                        assertThat(e.contextSize()).isEqualTo(512);
                    })
                    .hasMessageContaining("600 tokens").hasMessageContaining("512");
            assertThat(ollama.lastRequest().json("/truncate")).contains("false");
            assertThat(ollama.lastRequest().json("/options/num_ctx")).contains("512");
        }
    }

    @Test
    void aGoRunnerServerRefusesWithoutCountsAndTheContextSizeIsNamed() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.12.6").model("llama3.2").answer(TOO_LONG).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.of("a long story")))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                        assertThat(e.promptTokens()).isEqualTo(-1);
                        assertThat(e.contextSize()).isEqualTo(512);
                    })
                    .hasMessageContaining("512-token context")
                    .hasMessageContaining("the input length exceeds the context length")
                    .hasMessageContaining("contextSize");
        }
    }

    @Test
    void anOlderServerThatCutsThePromptSilentlyIsCaughtByItsPromptCount() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.5.7").model("llama3.2").answer(TOO_LONG).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.of("a long story")))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> assertThat(e.contextSize()).isEqualTo(512))
                    .hasMessageContaining("evaluated 512 prompt tokens")
                    .hasMessageContaining("Ollama 0.5.7");

            // A stream gives what arrived, then the failure instead of an ending.
            List<String> texts = new ArrayList<>();
            try (GenerationStream stream = model.stream(GenerationRequest.builder().user("a long story").build())) {
                assertThatThrownBy(() -> stream.forEach(c -> texts.add(c.text())))
                        .isInstanceOf(ContextOverflowException.class);
            }
            assertThat(texts).containsExactly("An", " answer");
        }
    }

    @Test
    void withoutAnAskedSizeTheContextTheServerReportsIsUsed() {
        ScriptedAnswer tooLong = ScriptedAnswer.builder().pieces("x").promptTokens(5000).build();
        try (FakeOllama ollama = FakeOllama.builder().version("0.9.0").model("llama3.2").answer(tooLong).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            assertThat(model.info().options().contextSize()).isEqualTo(4096);
            assertThatThrownBy(() -> model.generate(GenerationRequest.of("long")))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> assertThat(e.contextSize()).isEqualTo(4096));
            // The context was not asked for, so none is sent: the server keeps the one it chose.
            assertThat(ollama.lastRequest().json("/options/num_ctx")).isEmpty();
        }
    }

    @Test
    void aServerThatDoesNotReportItsContextIsCheckedAgainstTheOneAskedFor() throws Exception {
        // Before mid-2025 /api/ps had no context_length; this 0.5.7 cut the prompt to num_ctx and said nothing.
        String ps = "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\",\"size\":3338801804,"
                + "\"digest\":\"a80c4f17acd5\",\"expires_at\":\"2024-06-04T14:38:31.83753-07:00\",\"size_vram\":0}]}";
        String chat = "{\"model\":\"llama3.2\",\"created_at\":\"2024-06-04T14:33:31Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Sure\"},\"done\":false}\n{\"model\":\"llama3.2\",\"created_at\":\"2024-06-04T14:33:32Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
                + "\"total_duration\":900000000,\"prompt_eval_count\":512,\"eval_count\":1}\n";
        try (StubServer old = new StubServer(line -> line.startsWith("GET /api/ps") ? StubServer.http(200,
                "application/json; charset=utf-8", ps) : line.startsWith("POST /api/chat")
                ? StubServer.http(200, "application/x-ndjson", chat) : OldOllama.answer(line));
             OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                     old.uri().toString(), "ollama.retries", "1"));
             ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
            assertThat(model.info().options().contextSize()).isEqualTo(512);
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("long").build()))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> assertThat(e.contextSize()).isEqualTo(512))
                    .hasMessageContaining("Ollama 0.5.7");
            assertThat(engine.loadedModels().get(0).contextSize()).isEqualTo(-1);
        }
    }

    @Test
    void aPromptThatFitsIsAnsweredOnEveryGeneration() {
        ScriptedAnswer fits = ScriptedAnswer.builder().pieces("ok").promptTokens(511).build();
        for (String version : List.of("0.5.7", "0.12.6", "0.33.0")) {
            try (FakeOllama ollama = FakeOllama.builder().version(version).model("llama3.2").answer(fits).start();
                 OllamaBackend engine = Engines.engine(ollama);
                 ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
                assertThat(model.generate(GenerationRequest.of("short")).usage().promptTokens()).as(version).isEqualTo(511);
            }
        }
    }

    @Test
    void anEmbeddingInputLongerThanTheContextIsRefusedNotCut() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.embedding("all-minilm")).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "all-minilm", LoadOptions.builder().contextSize(8).build())) {
            String long20 = String.join(" ", Collections.nCopies(20, "word"));

            assertThatThrownBy(() -> model.embed(EmbeddingRequest.of(long20)))
                    .isInstanceOfSatisfying(ContextOverflowException.class, e -> assertThat(e.contextSize()).isEqualTo(8));
            assertThat(model.embed(EmbeddingRequest.of("two words")).embeddings()).hasSize(1);
        }
    }

    @Test
    void everyWordingOllamaHasUsedForAnOverlongPromptMeansOverflow() {
        String[] wordings = {
            "the input length exceeds the context length",
            "the prompt is longer than the context length currently available to the model; shorten the prompt",
            "input exceeds maximum context length and cannot be truncated further",
            "input after truncation exceeds maximum context length",
        };
        for (String wording : wordings) {
            assertThat(OllamaErrors.forRequest(new InvalidRequestException("Ollama rejected: " + wording),
                    "Ollama at x", 2048)).as(wording).isInstanceOf(ContextOverflowException.class);
            assertThat(OllamaErrors.forRequest(new GenerationException("failed: " + wording), "Ollama at x", -1))
                    .as(wording).isInstanceOf(ContextOverflowException.class).hasMessageContaining("the model's context");
        }
        InvalidRequestException other = new InvalidRequestException("raw mode does not support template");
        assertThat(OllamaErrors.forRequest(other, "Ollama at x", 2048)).isSameAs(other);
    }

    @Test
    void aChunkIsNeverLostBeforeTheFailure() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.5.7").model("llama3.2").answer(TOO_LONG).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2", SMALL)) {
            List<GenerationChunk> seen = new ArrayList<>();
            GenerationStream stream = model.stream(GenerationRequest.of("long"));
            assertThatThrownBy(() -> {
                for (GenerationChunk c : stream) {
                    seen.add(c);
                }
            }).isInstanceOf(ContextOverflowException.class);
            assertThatThrownBy(stream::result).isInstanceOf(ContextOverflowException.class);
            stream.close();
            assertThat(seen).hasSize(2);
        }
    }
}
