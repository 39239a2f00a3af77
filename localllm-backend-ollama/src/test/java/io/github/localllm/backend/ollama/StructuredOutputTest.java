package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every instance the engine returns checks JSON answers against their schema (StructuredOutput.enforce). */
class StructuredOutputTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\",\"minimum\":0}},"
            + "\"required\":[\"age\"]}";

    @AfterEach
    void noReaderLeftBehind() {
        Threads.assertNoneLeftBehind();
    }

    @Test
    void anAnswerThatViolatesItsSchemaIsAStructuredOutputException() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("{\"age\":", "-3}").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Age?")
                    .responseFormat(ResponseFormat.jsonSchema(SCHEMA)).build()))
                    .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                        assertThat(e.text()).isEqualTo("{\"age\":-3}");
                        assertThat(e.violations()).isNotEmpty();
                    });
        }
    }

    @Test
    void aMatchingAnswerPassesAndAFailedOneIsRetriedWithFeedbackWhenAsked() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("{\"age\":-3}").answer("{\"age\":22}").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult r = model.generate(GenerationRequest.builder().user("Age?")
                    .responseFormat(ResponseFormat.jsonSchema(SCHEMA)).outputRetries(1).build());

            assertThat(r.text()).isEqualTo("{\"age\":22}");
            assertThat(ollama.requests("/api/chat")).hasSize(2);
            // The retry shows the model its rejected answer.
            assertThat(ollama.requests("/api/chat").get(1).json("/messages/1/content")).contains("\"{\\\"age\\\":-3}\"");
        }
    }

    @Test
    void anAnswerCutByTheTokenLimitIsNeverASuccess() {
        ScriptedAnswer cut = ScriptedAnswer.builder().pieces("{\"age\":").stopReason(StopReason.LENGTH).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(cut).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Age?").maxTokens(3)
                    .responseFormat(ResponseFormat.json()).build()))
                    .isInstanceOfSatisfying(StructuredOutputException.class,
                            e -> assertThat(e.finishReason()).isEqualTo(FinishReason.LENGTH));
        }
    }
}
