package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.ModelLoadRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The five failures the issue "Structured output you can trust" reports, each through the real
 * in-process engine on the tiny random-weight model: what used to abort the JVM, come back
 * wrong, or be refused now gives an answer that matches its schema. Random weights are the
 * point: whatever the answer says comes from the grammar alone. Last, a fault of the engine
 * that {@link SchemaFuzzTest} found: a token limit that cuts a multi-byte character was reported
 * as a natural stop.
 */
class StructuredOutputFailuresTest {
    private static final Logger LOG = LoggerFactory.getLogger(StructuredOutputFailuresTest.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private static ModelInstance model;

    @BeforeAll
    static void load() {
        model = new LlamaCppBackend().load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().contextSize(512).threads(1).build()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /**
     * @param schema the schema the answer must match
     * @return the answer, parsed; the engine's schema check already refused any that does not match
     */
    private static JsonNode answer(String schema) {
        // A raw prompt is retried with the next seed: random weights may wander past the token limit.
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("JSON:").raw(true)
                .responseFormat(ResponseFormat.jsonSchema(schema)).maxTokens(200).outputRetries(5)
                .sampling(SamplingParameters.builder().temperature(1.0).seed(11L).build()).build());
        LOG.info("{} -> {} ({} tokens)", schema, result.text(), result.usage().completionTokens());
        return JSON.readTree(result.text());
    }

    @Test
    void aReferenceIntoAnArrayElementNoLongerAbortsTheJvm() {
        // llama.cpp b4916's converter called std::terminate on a $ref through "anyOf/0".
        JsonNode json = answer("{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},"
                + "\"b\":{\"$ref\":\"#/properties/a/anyOf/0\"}},\"required\":[\"a\",\"b\"]}");

        assertThat(json.isObject()).as("answer %s", json).isTrue();
        assertThat(json.get("a")).as("a in %s", json).isNotNull();
        assertThat(json.get("a").isString() || json.get("a").isNull()).as("a in %s", json).isTrue();
        assertThat(json.get("b")).as("b in %s", json).isNotNull();
        assertThat(json.get("b").isString()).as("b in %s", json).isTrue();
    }

    @Test
    void aDescriptionOnlySchemaNoLongerAbortsTheJvm() {
        // b4916's converter aborted on a schema with neither type nor anything else it knew.
        JsonNode json = answer("{\"description\":\"anything\"}");

        assertThat(json).as("any JSON value").isNotNull();
        assertThat(json.isMissingNode()).isFalse();
    }

    @Test
    void aPatternOfOneQuoteGivesTheEscapedQuote() {
        // b4916 wrote the pattern's quote into the JSON text unescaped: """
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("JSON:").raw(true)
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"string\",\"pattern\":\"^\\\"$\"}"))
                .maxTokens(20).sampling(SamplingParameters.builder().temperature(0.0).build()).build());

        assertThat(result.text().strip()).isEqualTo("\"\\\"\"");
        assertThat(JSON.readTree(result.text()).stringValue()).isEqualTo("\"");
    }

    @Test
    void allOfOfTwoReferencedEnumsGivesTheirIntersection() {
        // b4916 ignored allOf over $refs and produced { }
        JsonNode json = answer("{\"$defs\":{\"a\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},"
                + "\"b\":{\"type\":\"string\",\"enum\":[\"y\",\"z\"]}},"
                + "\"allOf\":[{\"$ref\":\"#/$defs/a\"},{\"$ref\":\"#/$defs/b\"}]}");

        assertThat(json.isString()).as("answer %s", json).isTrue();
        assertThat(json.stringValue()).isEqualTo("y");
    }

    @Test
    void aDraft4TupleIsNoLongerRefused() {
        JsonNode json = answer("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"array\","
                + "\"items\":[{\"type\":\"integer\"},{\"type\":\"string\",\"enum\":[\"kg\",\"lb\"]},"
                + "{\"type\":\"boolean\"}],\"additionalItems\":false,\"minItems\":3}");

        assertThat(json.isArray()).as("answer %s", json).isTrue();
        assertThat(json.size()).as("answer %s", json).isEqualTo(3);
        assertThat(json.get(0).isIntegralNumber()).as("answer %s", json).isTrue();
        assertThat(json.get(1).stringValue()).as("answer %s", json).isIn("kg", "lb");
        assertThat(json.get(2).isBoolean()).as("answer %s", json).isTrue();
    }

    @Test
    void maxItemsZeroGivesTheEmptyArray() {
        JsonNode json = answer("{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":0}");

        assertThat(json.isArray()).as("answer %s", json).isTrue();
        assertThat(json.size()).as("answer %s", json).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void aTokenLimitThatCutsAMultiByteCharacterIsReportedAsTheLimit(int maxTokens) {
        // Found by SchemaFuzzTest: an answer cut off by the token limit came back as STOP, so a
        // grammar answer looked finished and a JSON answer failed as "does not match the schema"
        // instead of "cut off". Each CJK character is three byte tokens here, so no text of this
        // grammar can be complete within 4 tokens; with 2 or 3 the last token ends mid-character.
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("Text:").raw(true)
                .responseFormat(ResponseFormat.grammar("root ::= \"\\\"\" [一-龥]+ \"\\\"\""))
                .maxTokens(maxTokens).sampling(SamplingParameters.builder().temperature(1.0).seed(5L).build())
                .build());

        assertThat(result.finishReason()).as("finish of %s", result.text()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.usage().completionTokens()).isEqualTo(maxTokens);
    }

    @Test
    void aConstWithEscapesGivesExactlyThatValue() {
        GenerationResult result = model.generate(GenerationRequest.builder().prompt("JSON:").raw(true)
                .responseFormat(ResponseFormat.jsonSchema("{\"const\":\"a\\\"b\\\\c\\n\"}"))
                .maxTokens(40).sampling(SamplingParameters.builder().temperature(0.0).build()).build());

        assertThat(result.text().strip()).isEqualTo("\"a\\\"b\\\\c\\n\"");
        assertThat(JSON.readTree(result.text()).stringValue()).isEqualTo("a\"b\\c\n");
    }
}
