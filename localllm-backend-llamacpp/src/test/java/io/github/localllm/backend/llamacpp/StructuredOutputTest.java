package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.schema.CompiledSchema;
import io.github.localllm.spi.ModelLoadRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Grammar-constrained output holds even for a model with random weights: that is what the constraint means. */
class StructuredOutputTest {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"pattern\":\"^[a-z]{1,12}$\"},"
            + "\"mood\":{\"type\":\"string\",\"enum\":[\"happy\",\"sad\",\"calm\"]},"
            + "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9]{0,5}$\"},\"maxItems\":3},"
            + "\"ok\":{\"type\":\"boolean\"}},"
            + "\"required\":[\"name\",\"mood\",\"age\",\"tags\",\"ok\"],\"additionalProperties\":false}";

    private static LlamaCppBackend backend;
    private static ModelInstance model;

    @BeforeAll
    static void load() {
        backend = new LlamaCppBackend();
        model = backend.load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().contextSize(512).threads(1).build()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void jsonSchemaOutputAlwaysParsesAndMatches(long seed) {
        GenerationResult result = model.generate(GenerationRequest.builder().user("Describe a person as JSON.")
                .responseFormat(ResponseFormat.jsonSchema(SCHEMA)).maxTokens(400)
                .sampling(SamplingParameters.builder().temperature(1.0).seed(seed).build()).build());
        JsonNode json = JSON.readTree(result.text());
        assertThat(json.propertyNames()).containsExactlyInAnyOrder("name", "mood", "age", "tags", "ok");
        assertThat(json.get("name").stringValue()).matches("[a-z]{1,12}");
        assertThat(json.get("mood").stringValue()).isIn("happy", "sad", "calm");
        JsonNode age = json.get("age");
        assertThat(age.isIntegralNumber() || age.decimalValue().stripTrailingZeros().scale() <= 0).isTrue();
        assertThat(age.decimalValue().intValueExact()).isBetween(0, 150);
        assertThat(json.get("tags").isArray()).isTrue();
        assertThat(json.get("tags").size()).isLessThanOrEqualTo(3);
        json.get("tags").forEach(t -> assertThat(t.stringValue()).matches("[a-z0-9]{0,5}"));
        assertThat(json.get("ok").isBoolean()).isTrue();
    }

    @Test
    void aSchemasGrammarIsConvertedOnce() {
        assertThat(CompiledSchema.of(SCHEMA)).isSameAs(CompiledSchema.of(SCHEMA));
        assertThat(CompiledSchema.of(SCHEMA).gbnf()).contains("root ::=");
    }

    @Test
    void jsonModeGivesAnObject() {
        GenerationResult result = model.generate(GenerationRequest.builder().user("Answer in JSON.")
                .responseFormat(ResponseFormat.json()).maxTokens(300)
                .sampling(SamplingParameters.builder().temperature(0.0).build()).build());
        assertThat(result.text()).startsWith("{");
        assertThat(JSON.readTree(result.text()).isObject()).isTrue();
    }

    @Test
    void aGrammarConstrainsTheText() {
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("Yes or no?").maxTokens(10)
                .responseFormat(ResponseFormat.grammar("root ::= (\"yes\" | \"no\")")).build());
        assertThat(result.text()).isIn("yes", "no");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aDigitPatternGivesDigitsOnly(long seed) {
        // llama.cpp b4916's own converter made a grammar its parser rejects for \d; localllm's converts it
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("Digits?").maxTokens(40)
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"string\",\"pattern\":\"^\\\\d+$\"}"))
                .sampling(SamplingParameters.builder().temperature(1.0).seed(seed).build()).build());
        // white space around a JSON value is still JSON, and the grammar may allow some
        assertThat(result.text().strip()).matches("\"[0-9]+\"");
    }

    @Test
    void anAnswerTheGrammarCannotKeepFromBreakingTheSchemaIsNeverASuccess() {
        // Five unique integers from 0 to 3 do not exist: the grammar enforces the count and the range
        // while sampling, uniqueItems only the check afterwards can, and every answer fails it.
        GenerationRequest.Builder request = GenerationRequest.builder().user("Five different small numbers.")
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"array\",\"items\":{\"type\":\"integer\","
                        + "\"minimum\":0,\"maximum\":3},\"minItems\":5,\"uniqueItems\":true}"))
                .maxTokens(60).sampling(SamplingParameters.builder().temperature(1.0).seed(7L).build());

        assertThatThrownBy(() -> model.generate(request.build())).isInstanceOf(StructuredOutputException.class)
                .hasMessageContaining("$: must have only unique items in the array");
        StructuredOutputException retried = catchThrowableOfType(StructuredOutputException.class,
                () -> model.generate(request.outputRetries(2).build()));
        assertThat(retried.attempts()).isEqualTo(3);
        assertThat(retried.usage().completionTokens()).isPositive();
    }

    @Test
    void anUnresolvableReferenceIsRefusedBeforeReachingLlamaCpp() {
        // llama.cpp's schema converter aborts the whole process on such a schema.
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("{\"$ref\":\"#/$defs/missing\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("#/$defs/missing");
    }
}
