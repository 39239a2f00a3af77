package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.Usage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
            + "\"required\":[\"a\"]}";
    private static final String MISSING_A = "$: required property 'a' not found";

    private static GenerationRequest.Builder asking() {
        return GenerationRequest.builder().prompt("Give me a").responseFormat(ResponseFormat.jsonSchema(SCHEMA));
    }

    @Test
    void aMatchingAnswerPassesThroughUnchanged() {
        ScriptedModel engine = ScriptedModel.answering("{\"a\":1}");

        GenerationResult result = StructuredOutput.enforce(engine).generate(asking().build());

        assertThat(result).isSameAs(engine.results.get(0));
    }

    @Test
    void anAnswerThatBreaksTheSchemaIsAnExceptionCarryingTheAnswer() {
        ScriptedModel engine = ScriptedModel.answering("{\"b\":true}");

        StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
                () -> StructuredOutput.enforce(engine).generate(asking().build()));

        assertThat(e.text()).isEqualTo("{\"b\":true}");
        assertThat(e.violations()).containsExactly(MISSING_A);
        assertThat(e.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.usage()).isEqualTo(new Usage(11, 10));
        assertThat(e).hasMessageContaining(MISSING_A).hasMessageContaining("outputRetries(n)");
    }

    @Test
    void anAnswerCutOffByTheTokenLimitIsNeverASuccess() {
        ScriptedModel engine = new ScriptedModel().then("{\"a\":12", FinishReason.LENGTH)
                .then("{\"a\":1}", FinishReason.LENGTH);
        ModelInstance model = StructuredOutput.enforce(engine);

        StructuredOutputException cut = catchThrowableOfType(StructuredOutputException.class,
                () -> model.generate(asking().maxTokens(7).build()));
        // even a cut-off answer that happens to parse and match may be missing what the model meant to add
        StructuredOutputException parses = catchThrowableOfType(StructuredOutputException.class,
                () -> model.generate(asking().maxTokens(7).build()));

        assertThat(cut).hasMessageStartingWith("the answer was cut off by the token limit after 7 tokens, before its"
                + " JSON was complete; raise maxTokens");
        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.violations()).singleElement().asString().startsWith("the answer is not valid JSON");
        assertThat(parses.violations()).isEmpty();
        assertThat(parses).hasMessageContaining("cut off by the token limit");
    }

    @Test
    void cancelledAndFailedAnswersAreReturnedAsTheyAre() {
        ScriptedModel engine = new ScriptedModel().then("{\"a", FinishReason.CANCELLED)
                .then("{", FinishReason.ERROR);
        ModelInstance model = StructuredOutput.enforce(engine);

        assertThat(model.generate(asking().build())).isSameAs(engine.results.get(0));
        assertThat(model.generate(asking().build())).isSameAs(engine.results.get(1));
    }

    @Test
    void aRetryShowsTheModelItsAnswerAndWhatIsWrong() {
        ScriptedModel engine = ScriptedModel.answering("{\"b\":1}", "{\"a\":1}");

        GenerationResult result = StructuredOutput.enforce(engine).generate(asking().outputRetries(2).build());

        assertThat(result.text()).isEqualTo("{\"a\":1}");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        // every attempt's tokens count: prompts 11 + 12, completions 7 + 7
        assertThat(result.usage()).isEqualTo(new Usage(23, 14));
        assertThat(result.metrics()).isEqualTo(engine.results.get(1).metrics());
        assertThat(engine.requests).hasSize(2);
        GenerationRequest retry = engine.requests.get(1);
        assertThat(retry.prompt()).isNull();
        assertThat(retry.messages()).containsExactly(ChatMessage.user("Give me a"), ChatMessage.assistant("{\"b\":1}"),
                ChatMessage.user("Your answer did not match the JSON schema: " + MISSING_A
                        + ". Answer again with only JSON that matches the schema."));
        assertThat(retry.responseFormat()).isEqualTo(engine.requests.get(0).responseFormat());
    }

    @Test
    void aConversationKeepsItsTurnsAndGetsOnlyTheLastAnswerBack() {
        ScriptedModel engine = ScriptedModel.answering("[]", "{}", "{\"a\":3}");
        GenerationRequest request = GenerationRequest.builder().system("Be terse.").user("Give me a")
                .responseFormat(ResponseFormat.jsonSchema(SCHEMA)).outputRetries(3).build();

        assertThat(StructuredOutput.enforce(engine).generate(request).text()).isEqualTo("{\"a\":3}");

        // the second retry repeats the conversation with the second answer only, so the prompt does not grow
        assertThat(engine.requests.get(2).messages()).containsExactly(ChatMessage.system("Be terse."),
                ChatMessage.user("Give me a"), ChatMessage.assistant("{}"),
                ChatMessage.user("Your answer did not match the JSON schema: " + MISSING_A
                        + ". Answer again with only JSON that matches the schema."));
    }

    @Test
    void whenEveryRetryFailsTheLastAnswerIsTheException() {
        ScriptedModel engine = ScriptedModel.answering("{}", "{\"a\":\"x\"}", "{\"a\":1.5}");

        StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
                () -> StructuredOutput.enforce(engine).generate(asking().outputRetries(2).build()));

        assertThat(e.attempts()).isEqualTo(3);
        assertThat(engine.requests).hasSize(3);
        assertThat(e.text()).isEqualTo("{\"a\":1.5}");
        assertThat(e.violations()).containsExactly("$.a: number found, integer expected");
        assertThat(e.usage()).isEqualTo(new Usage(11 + 12 + 13, 2 + 9 + 9));
        assertThat(e).hasMessageContaining("(after 3 attempts)");
    }

    @Test
    void aRawPromptIsRetriedRawWithANewSeed() {
        ScriptedModel seeded = ScriptedModel.answering("no", "nope", "{\"a\":1}");
        ScriptedModel unseeded = ScriptedModel.answering("no", "{\"a\":1}");

        StructuredOutput.enforce(seeded).generate(asking().raw(true).seed(7).outputRetries(2).build());
        StructuredOutput.enforce(unseeded).generate(asking().raw(true).outputRetries(2).build());

        assertThat(seeded.requests).allSatisfy(r -> {
            assertThat(r.raw()).isTrue();
            assertThat(r.prompt()).isEqualTo("Give me a");
        });
        assertThat(seeded.requests).extracting(r -> r.sampling().seed()).containsExactly(7L, 8L, 9L);
        assertThat(unseeded.requests).extracting(r -> r.sampling().seed()).containsExactly(null, 2L);
    }

    @Test
    void aRetryThatNoLongerFitsTheContextReportsTheAnswerBeforeIt() {
        ContextOverflowException overflow = new ContextOverflowException(600, 512);
        ScriptedModel engine = ScriptedModel.answering("{}").thenThrow(overflow);

        StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
                () -> StructuredOutput.enforce(engine).generate(asking().outputRetries(1).build()));

        assertThat(e.text()).isEqualTo("{}");
        assertThat(e.getSuppressed()).containsExactly(overflow);
    }

    @Test
    void anEngineFailureDuringARetryIsThrownWithTheEarlierAnswerAttached() {
        GenerationException crash = new GenerationException("the engine crashed; load the model again");
        ScriptedModel engine = ScriptedModel.answering("{}").thenThrow(crash);

        assertThatThrownBy(() -> StructuredOutput.enforce(engine).generate(asking().outputRetries(1).build()))
                .isSameAs(crash);
        assertThat(crash.getSuppressed()).singleElement().isInstanceOf(StructuredOutputException.class);
    }

    @Test
    void jsonModeChecksForAnObject() {
        ScriptedModel engine = ScriptedModel.answering("[1]", "{\"any\":[1]}");
        ModelInstance model = StructuredOutput.enforce(engine);
        GenerationRequest request = GenerationRequest.builder().prompt("JSON").responseFormat(ResponseFormat.json())
                .build();

        assertThatThrownBy(() -> model.generate(request)).isInstanceOf(StructuredOutputException.class)
                .hasMessageContaining("$: array found, object expected");
        assertThat(model.generate(request).text()).isEqualTo("{\"any\":[1]}");
    }

    @Test
    void textAndGrammarAnswersAreLeftAlone() {
        ScriptedModel engine = ScriptedModel.answering("not JSON at all", "yes", "free text");
        ModelInstance model = StructuredOutput.enforce(engine);

        assertThat(model.generate("Say anything")).isSameAs(engine.results.get(0));
        assertThat(model.generate(GenerationRequest.builder().prompt("Yes?")
                .responseFormat(ResponseFormat.grammar("root ::= \"yes\"")).build()))
                .isSameAs(engine.results.get(1));
        GenerationStream stream = model.stream(GenerationRequest.of("Stream anything"));
        assertThat(stream).isSameAs(engine.streams.get(0));
    }

    @Test
    void aStreamDeliversEveryChunkThenThrowsAtTheEnd() {
        ScriptedModel engine = ScriptedModel.answering("{\"b\":1}");
        List<String> seen = new ArrayList<>();

        try (GenerationStream stream = StructuredOutput.enforce(engine).stream(asking().outputRetries(2).build())) {
            Iterator<GenerationChunk> chunks = stream.iterator();
            StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class, () -> {
                while (chunks.hasNext()) {
                    seen.add(chunks.next().text());
                }
            });

            assertThat(String.join("", seen)).isEqualTo("{\"b\":1}");
            assertThat(e.violations()).containsExactly(MISSING_A);
            // chunks already shown cannot be taken back, so an iterated stream is never retried
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(engine.requests).hasSize(1);
            assertThatThrownBy(chunks::next).isSameAs(e);
            assertThatThrownBy(stream::result).isSameAs(e);
        }
        assertThat(engine.streams.get(0).closed).isTrue();
    }

    @Test
    void aMatchingStreamEndsNormally() {
        ScriptedModel engine = ScriptedModel.answering("{\"a\":10}");
        StringBuilder text = new StringBuilder();

        try (GenerationStream stream = StructuredOutput.enforce(engine).stream(asking().build())) {
            for (GenerationChunk chunk : stream) {
                text.append(chunk.text());
            }
            assertThat(stream.result()).isSameAs(engine.results.get(0));
            // the engine's stream decides that it can be iterated only once
            assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class);
        }
        assertThat(text).hasToString("{\"a\":10}");
    }

    @Test
    void aStreamNobodyIteratedIsRetriedLikeGenerate() throws InterruptedException, ExecutionException {
        // generateAsync reads only result(): no chunk was shown, so a new answer can replace a bad one
        ScriptedModel engine = ScriptedModel.answering("{}", "{\"a\":2}");

        GenerationResult result = StructuredOutput.enforce(engine).generateAsync(asking().outputRetries(1).build())
                .get();

        assertThat(result.text()).isEqualTo("{\"a\":2}");
        assertThat(result.usage()).isEqualTo(new Usage(23, 9));
        assertThat(engine.streams).hasSize(2).allSatisfy(s -> assertThat(s.closed).isTrue());
    }

    @Test
    void aStreamClosedBetweenAttemptsStopsRetrying() {
        ScriptedModel engine = ScriptedModel.answering("{}", "{\"a\":2}");
        GenerationStream stream = StructuredOutput.enforce(engine).stream(asking().outputRetries(1).build());

        stream.close();

        assertThatThrownBy(stream::result).isInstanceOf(StructuredOutputException.class)
                .hasMessageContaining(MISSING_A);
        assertThat(engine.requests).hasSize(1);
    }

    @Test
    void anInvalidSchemaIsRefusedBeforeTheEngineWorks() {
        ScriptedModel engine = ScriptedModel.answering("{}");
        GenerationRequest request = GenerationRequest.builder().prompt("p")
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"array\",\"minItems\":\"two\"}")).build();

        assertThatThrownBy(() -> StructuredOutput.enforce(engine).generate(request))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("minItems");
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void everythingElseIsDelegated() {
        ScriptedModel engine = ScriptedModel.answering();
        ModelInstance model = StructuredOutput.enforce(engine);

        assertThat(model.info()).isSameAs(engine.info);
        assertThat(model.tokenizer()).containsSame(engine.tokenizer);
        assertThat(model.embed(EmbeddingRequest.of("x")).first().dimension()).isEqualTo(1);
        model.close();

        assertThat(engine.embedCalls).hasValue(1);
        assertThat(engine.closeCalls).hasValue(1);
    }

    @Test
    void aModelIsWrappedOnce() {
        ModelInstance once = StructuredOutput.enforce(ScriptedModel.answering());

        assertThat(StructuredOutput.enforce(once)).isSameAs(once);
        assertThatThrownBy(() -> StructuredOutput.enforce(null)).isInstanceOf(NullPointerException.class);
    }
}
