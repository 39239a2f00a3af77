package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Converter and validator failures that the random-schema test of the in-process engine
 * ({@code SchemaFuzzTest} in localllm-backend-llamacpp) found, each reduced to the smallest
 * schema that shows it. The contract they break: {@link CompiledSchema#of} returns a grammar
 * llama.cpp can use or throws {@link InvalidRequestException}, and
 * {@link CompiledSchema#violations} reports problems instead of throwing.
 */
class SchemaFuzzFindingsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        // a recursive $ref with sibling keywords (2019-09 and later apply both): satisfiable by {}
        "{\"properties\":{\"a\":{\"$ref\":\"#\",\"type\":\"object\"}}}",
        "{\"anyOf\":[{\"$ref\":\"#\",\"type\":\"string\"}]}",
        "{\"anyOf\":[{\"type\":\"integer\"},{\"$ref\":\"#\",\"type\":\"string\"}]}",
        "{\"oneOf\":[{\"type\":\"boolean\"},{\"$ref\":\"#\"}],\"not\":{\"type\":\"string\"}}",
        // recursion through allOf (or anyOf beside another keyword) under an optional property or
        // array item: satisfiable by {} or [], still a StackOverflowError after 060510d
        "{\"properties\":{\"a\":{\"allOf\":[{\"$ref\":\"#\"}]}}}",
        "{\"items\":{\"allOf\":[{\"$ref\":\"#\"}]}}",
        "{\"properties\":{\"a\":{\"anyOf\":[{\"$ref\":\"#\"}],\"not\":{\"type\":\"null\"}}}}",
        "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"properties\":{\"a\":{\"allOf\":[{\"$ref\":\"#\"}]}}}"
    })
    void aRecursiveReferenceBesideOtherKeywordsIsConvertedOrRefusedNotAStackOverflow(String schema) {
        Throwable thrown = catchThrowable(() -> CompiledSchema.of(schema));

        if (thrown == null) {
            ResponseFormat.grammar(CompiledSchema.of(schema).gbnf());
        } else {
            assertThat(thrown).as("what converting %s threw", schema).isInstanceOf(InvalidRequestException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        // A group that can match nothing, repeated without bound: the converter writes ("a"?)+,
        // which ResponseFormat.grammar rightly refuses as left-recursive: llama.cpp b4916 does not detect
        // it and crashes the JVM (measured: root ::= "\"" ("a"?)+ "\"" through de.kherud:llama
        // 4.2.0 is a segmentation fault, exit 139). So such patterns fail at generation with
        // "this is a localllm bug"; the converter should write ("a")* instead.
        "^(a?)+$    ; aaa",
        "^(a*)*$    ; aa",
        "^(a|)+$    ; a",
        "^(a?){2,}$ ; aaaa",
        "^:(b?c?)+  ; :bcbxyz"
    })
    void aRepeatedGroupThatCanMatchNothingGivesAGrammarLlamaCppAccepts(String pattern, String example) {
        String schema = "{\"type\":\"string\",\"pattern\":\"" + pattern + "\"}";
        String gbnf = CompiledSchema.of(schema).gbnf();

        ResponseFormat.grammar(gbnf);
        GbnfRecognizer g = GbnfRecognizer.parse(gbnf);
        assertThat(g.accepts("\"" + example + "\"")).isTrue();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', value = {
        // networknt's MaximumValidator converts the value to a long for integer schemas and throws
        "{\"type\":\"integer\",\"maximum\":5}                | 4E+30",
        "{\"type\":\"integer\",\"minimum\":5}                | -1.5e400",
        "{\"type\":[\"integer\",\"number\"],\"maximum\":-1000} | 4e30"
    })
    void aHugeNumberIsReportedAsAViolationNotThrown(String schema, String answer) {
        CompiledSchema compiled = CompiledSchema.of(schema);

        Throwable thrown = catchThrowable(() -> compiled.violations(answer));

        assertThat(thrown).as("violations(%s) threw", answer).isNull();
        assertThat(compiled.violations(answer)).isNotEmpty();
    }
}
