package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.internal.Json;
import io.github.localllm.spi.ModelLoadRequest;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Grammar-constrained output holds even for a model with random weights: that is what the constraint means. */
class StructuredOutputTest {
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
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(result.text());
        assertThat(json.keySet()).containsExactlyInAnyOrder("name", "mood", "age", "tags", "ok");
        assertThat((String) json.get("name")).matches("[a-z]{1,12}");
        assertThat(json.get("mood")).isIn("happy", "sad", "calm");
        BigDecimal age = (BigDecimal) json.get("age");
        assertThat(age.stripTrailingZeros().scale()).isLessThanOrEqualTo(0);
        assertThat(age.intValueExact()).isBetween(0, 150);
        assertThat(json.get("tags")).isInstanceOf(List.class);
        assertThat((List<?>) json.get("tags")).hasSizeLessThanOrEqualTo(3)
                .allSatisfy(t -> assertThat((String) t).matches("[a-z0-9]{0,5}"));
        assertThat(json.get("ok")).isInstanceOf(Boolean.class);
    }

    @Test
    void aSchemasGrammarIsConvertedOnce() {
        assertThat(SchemaGrammars.of(SCHEMA)).isSameAs(SchemaGrammars.of(SCHEMA)).contains("root ::=");
    }

    @Test
    void jsonModeGivesAnObject() {
        GenerationResult result = model.generate(GenerationRequest.builder().user("Answer in JSON.")
                .responseFormat(ResponseFormat.json()).maxTokens(300)
                .sampling(SamplingParameters.builder().temperature(0.0).build()).build());
        assertThat(result.text()).startsWith("{");
        assertThat(Json.parse(result.text())).isInstanceOf(Map.class);
    }

    @Test
    void aGrammarConstrainsTheText() {
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("Yes or no?").maxTokens(10)
                .responseFormat(ResponseFormat.grammar("root ::= (\"yes\" | \"no\")")).build());
        assertThat(result.text()).isIn("yes", "no");
    }

    @Test
    void aSchemaLlamaCppCannotEnforceIsRefusedInsteadOfIgnored() {
        GenerationRequest request = GenerationRequest.builder().prompt("Digits?").maxTokens(10)
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"string\",\"pattern\":\"^\\\\d+$\"}"))
                .build();
        assertThatThrownBy(() -> model.generate(request)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("[0-9]");
    }

    @Test
    void anUnresolvableReferenceIsRefusedBeforeReachingLlamaCpp() {
        // llama.cpp's schema converter aborts the whole process on such a schema.
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("{\"$ref\":\"#/$defs/missing\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("#/$defs/missing");
    }
}
