package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Every schema that cannot be used is a typed error that names the problem and the fix, never a crash. */
class BadSchemaTest {

    private static void refused(String schema, String... phrases) {
        var thrown = assertThatThrownBy(() -> CompiledSchema.of(schema)).isInstanceOf(InvalidRequestException.class);
        for (String phrase : phrases) {
            thrown.hasMessageContaining(phrase);
        }
    }

    @Test
    void notJson() {
        refused("{\"type\": \"object\",}", "not valid JSON", "line 1", "fix the schema text");
        refused("{\"type\":\"string\"} trailing", "not valid JSON");
        refused("{\"a\":1,\"a\":2}", "not valid JSON", "Duplicate");
    }

    @Test
    void notAnObject() {
        refused("[{\"type\":\"string\"}]", "must be a JSON object");
        refused("\"string\"", "must be a JSON object");
        refused("42", "must be a JSON object");
        refused("   ", "empty");
    }

    @Test
    void enormousOrTooDeep() {
        StringBuilder big = new StringBuilder("{\"enum\":[");
        while (big.length() <= SchemaDocument.MAX_CHARS) {
            big.append("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",");
        }
        big.append("\"b\"]}");
        refused(big.toString(), "characters long", "the limit is " + SchemaDocument.MAX_CHARS);
        String deep = "{\"items\":".repeat(200) + "{}" + "}".repeat(200);
        refused(deep, "nests deeper than " + SchemaDocument.MAX_DEPTH, "$defs");
    }

    @Test
    void referencesToNowhereOrOutside() {
        refused("{\"$ref\":\"#/$defs/missing\"}", "points to nothing", "#/$defs/missing");
        refused("{\"properties\":{\"a\":{\"$ref\":\"#/properties/b\"}}}", "points to nothing");
        refused("{\"$ref\":\"https://example.com/schema.json\"}", "never fetched", "$defs");
        refused("{\"$ref\":\"other.json#/x\"}", "never fetched");
    }

    @Test
    void selfReferenceWithoutEnd() {
        refused("{\"$ref\":\"#\"}", "itself");
        refused("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}",
                "itself");
        refused("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"},\"minItems\":1}", "without end",
                "make the recursion optional");
    }

    @Test
    void malformedKeywordsAreNamed() {
        refused("{\"type\":\"strin\"}", "$.type", "not a JSON Schema type");
        refused("{\"properties\":{\"a\":{\"minLength\":\"3\"}}}", "$.properties.a.minLength", "whole number");
        refused("{\"required\":\"a\"}", "$.required", "array of property names");
        refused("{\"allOf\":[]}", "$.allOf", "non-empty array");
    }

    @Test
    void unsatisfiableSchemasSayWhy() {
        refused("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "no JSON value", "minLength 5");
        refused("{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "no JSON value", "allOf");
        refused("{\"type\":\"object\",\"required\":[\"a\"],\"additionalProperties\":false}", "\"a\" is required");
    }

    @Test
    void patternsTheGrammarCannotHold() {
        refused("{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", "backreference", "$.pattern");
        refused("{\"type\":\"string\",\"pattern\":\"(?<=a)b\"}", "lookbehind");
        refused("{\"type\":\"string\",\"pattern\":\"\\\\bword\"}", "word boundary");
        refused("{\"type\":\"string\",\"pattern\":\"a(b\"}", "not a valid regular expression", "unclosed");
    }
}
