package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.testkit.internal.json.JsonObject;

/** JSON, JSON-schema and grammar answers, and the schema check every engine applies to them. */
final class StructuredOutputChecks {
    /** Room for a small JSON answer, with the white space a grammar allows. */
    private static final int JSON_TOKENS = 96;
    private static final String YES_NO = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\","
            + "\"enum\":[\"yes\",\"no\"]}},\"required\":[\"answer\"],\"additionalProperties\":false}";
    /** Five different integers from 0 to 3 do not exist; a grammar can enforce the count and range, not uniqueness. */
    private static final String UNSATISFIABLE = "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,"
            + "\"maximum\":3},\"minItems\":5,\"uniqueItems\":true}";
    private static final String YES_OR_NO_GRAMMAR = "root ::= \"yes\" | \"no\"";

    private final EngineContract contract;
    private final ModelInstance model;

    StructuredOutputChecks(EngineContract contract) {
        this.contract = contract;
        this.model = contract.sharedModel();
    }

    private boolean enforces(ResponseFormat.Kind kind) {
        return contract.capabilities().responseFormats().contains(kind);
    }

    private GenerationRequest request(ResponseFormat format) {
        return contract.deterministic().prompt("Is the sky blue? Answer in JSON.").responseFormat(format)
                .maxTokens(JSON_TOKENS).build();
    }

    void jsonObject() {
        assumeTrue(enforces(ResponseFormat.Kind.JSON), "the model does not report the JSON response format");
        contract.answerNextWith("{\"answer\":", " \"yes\"}");
        GenerationResult result = model.generate(request(ResponseFormat.json()));
        assertThat(result.finishReason()).as("finish reason of a JSON answer").isEqualTo(FinishReason.STOP);
        assertThat(Answers.json(result.text())).as("the JSON answer \"%s\"", result.text()).isInstanceOf(JsonObject.class);
    }

    void schemaAnswerMatches() {
        assumeTrue(enforces(ResponseFormat.Kind.JSON_SCHEMA), "the model does not report the JSON schema response format");
        GenerationRequest request = request(ResponseFormat.jsonSchema(YES_NO));
        contract.answerNextWith("{\"answer\":", "\"no\"}");
        assertMatches(model.generate(request));
        contract.answerNextWith("{\"answer\":", "\"no\"}");
        Answers.Streamed streamed = Answers.stream(model, request);
        Answers.assertChunksAddUp(streamed);
        assertMatches(streamed.result());
    }

    private static void assertMatches(GenerationResult result) {
        assertThat(result.finishReason()).as("finish reason of a JSON-schema answer").isEqualTo(FinishReason.STOP);
        Object json = Answers.json(result.text());
        assertThat(json).as("the answer \"%s\" to the schema %s", result.text(), YES_NO).isInstanceOf(JsonObject.class);
        JsonObject object = (JsonObject) json;
        assertThat(object.members().keySet()).as("members of \"%s\"", result.text()).containsExactly("answer");
        assertThat(object.get("answer")).as("the answer's value").isIn("yes", "no");
    }

    void schemaViolation() {
        assumeTrue(enforces(ResponseFormat.Kind.JSON_SCHEMA), "the model does not report the JSON schema response format");
        GenerationRequest request = request(ResponseFormat.jsonSchema(UNSATISFIABLE));
        boolean scripted = contract.answerNextWith("[0, 1, 2, ", "3, 3]");
        assertThatThrownBy(() -> model.generate(request)).as("generate() of an answer that cannot match its schema")
                .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                    assertThat(e.attempts()).as("attempts without outputRetries").isEqualTo(1);
                    if (scripted) {
                        assertThat(e.text()).isEqualTo("[0, 1, 2, 3, 3]");
                    }
                    if (e.finishReason() == FinishReason.STOP) {
                        assertThat(e.violations()).as("what is wrong with \"%s\"", e.text()).isNotEmpty();
                    }
                });
        contract.answerNextWith("[0, 1, 2, ", "3, 3]");
        assertThatThrownBy(() -> {
            try (GenerationStream stream = model.stream(request)) {
                for (GenerationChunk ignored : stream) {
                    // the check comes when the engine's stream ends
                }
            }
        }).as("a stream of an answer that cannot match its schema").isInstanceOf(StructuredOutputException.class);
    }

    void grammar() {
        assumeTrue(enforces(ResponseFormat.Kind.GRAMMAR), "the model does not report the grammar response format");
        contract.answerNextWith("yes");
        GenerationResult result = model.generate(contract.deterministic().prompt("Is the sky blue?")
                .responseFormat(ResponseFormat.grammar(YES_OR_NO_GRAMMAR)).maxTokens(8).build());
        assertThat(result.text()).as("the answer under the grammar %s", YES_OR_NO_GRAMMAR).isIn("yes", "no");
    }

    void invalidGrammar() {
        assumeTrue(enforces(ResponseFormat.Kind.GRAMMAR), "the model does not report the grammar response format");
        // An unclosed group: every GBNF dialect refuses it.
        GenerationRequest request = contract.deterministic().prompt("Is the sky blue?")
                .responseFormat(ResponseFormat.grammar("root ::= \"yes\" | (\"no\"")).maxTokens(8).build();
        new RefusalChecks(contract).assertRefused(request, "grammar");
    }
}
