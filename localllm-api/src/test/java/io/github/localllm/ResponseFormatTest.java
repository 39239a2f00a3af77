package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseFormatTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "true",
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"name\"]}",
        "{\"type\":[\"string\",\"null\"]}",
        "{\"type\":\"integer\",\"minimum\":0}",
        "{\"properties\":{\"anything\":true}}",
        "{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"additionalItems\":false}"
    })
    void validSchemasAreAccepted(String schema) {
        ResponseFormat format = ResponseFormat.jsonSchema(schema);
        assertThat(format).isInstanceOf(ResponseFormat.JsonSchema.class);
        assertThat(((ResponseFormat.JsonSchema) format).schema()).isEqualTo(schema);
    }

    @Test
    void invalidJsonSaysWhereItBroke() {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("{\"type\": \"object\",}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1, column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void emptySchemaIsRejected(String schema) {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema(schema))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("schema is empty");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"str\"}                                        | $.type",
        "{\"type\":[\"string\",\"text\"]}                          | $.type",
        "{\"type\":3}                                              | $.type",
        "{\"properties\":[]}                                       | $.properties",
        "{\"properties\":{\"age\":{\"type\":\"int\"}}}             | $.properties.age.type",
        "{\"properties\":{\"age\":5}}                              | $.properties.age",
        "{\"required\":\"name\"}                                   | $.required",
        "{\"required\":[\"name\",1]}                               | $.required",
        "{\"items\":\"string\"}                                    | $.items",
        "{\"items\":{\"properties\":{\"x\":{\"type\":\"float\"}}}} | $.items.properties.x.type",
        "{\"items\":[{\"type\":\"integer\"},{\"type\":\"int\"}]}   | $.items[1].type",
        "[]                                                        | $"
    })
    void malformedSchemaNamesThePath(String schema, String path) {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema(schema))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("invalid JSON schema at " + path + ":");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // data, not references: a property named $ref, enum and const values with a $ref member
        "{\"type\":\"object\",\"properties\":{\"$ref\":{\"type\":\"string\"}},\"required\":[\"$ref\"]}",
        "{\"enum\":[{\"$ref\":\"not a reference\"},1]}",
        "{\"const\":{\"$ref\":42}}",
        // pointers are percent-encoded in a URI fragment, then JSON-Pointer escaped
        "{\"$defs\":{\"naïve\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/na%C3%AFve\"}",
        "{\"$defs\":{\"a/b~c\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a~1b~0c\"}",
        "{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},\"b\":{\"$ref\":\"#/properties/a/anyOf/0\"}}}",
        // references through $id and anchors are the converter's to resolve
        "{\"$id\":\"https://example.com/s.json\",\"$defs\":{\"a\":{}},\"$ref\":\"https://example.com/s.json#/$defs/a\"}",
        "{\"$defs\":{\"a\":{\"$anchor\":\"x\",\"type\":\"integer\"}},\"$ref\":\"#x\"}"
    })
    void referencesAreResolvedOnlyWhereTheyAreReferences(String schema) {
        assertThat(ResponseFormat.jsonSchema(schema)).isInstanceOf(ResponseFormat.JsonSchema.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"$ref\":\"#/$defs/missing\"}                                 | $.$ref",
        "{\"properties\":{\"a\":{\"$ref\":\"#/properties/b\"}}}     | $.properties.a.$ref",
        "{\"items\":[{\"$ref\":\"#/items/1\"}]}                       | $.items[0].$ref",
        "{\"$ref\":5}                                                     | $.$ref"
    })
    void aDanglingPointerIsRefusedNamingItsPlace(String schema, String path) {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema(schema))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("invalid JSON schema at " + path + ":");
    }

    @Test
    void wrongTypeNameListsTheValidOnes() {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("{\"type\":\"str\"}"))
                .hasMessageContaining("'str' is not a JSON Schema type")
                .hasMessageContaining("string");
    }

    @Test
    void grammarNeedsARootRule() {
        assertThatThrownBy(() -> ResponseFormat.grammar("answer ::= \"yes\" | \"no\""))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("root ::=");
        // 'myroot' is not 'root'
        assertThatThrownBy(() -> ResponseFormat.grammar("myroot ::= \"a\""))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void grammarWithRootOnAnyLineIsAccepted() {
        String gbnf = "# yes or no\nanswer ::= \"yes\" | \"no\"\n  root ::= answer\n";
        assertThat(ResponseFormat.grammar(gbnf)).isEqualTo(new ResponseFormat.Grammar(gbnf));
        assertThat(ResponseFormat.grammar("root::=\"x\"")).isInstanceOf(ResponseFormat.Grammar.class);
    }

    @Test
    void textAndJsonAreSingletons() {
        assertThat(ResponseFormat.text()).isSameAs(ResponseFormat.text()).hasToString("text");
        assertThat(ResponseFormat.json()).isSameAs(ResponseFormat.json()).hasToString("json");
    }
}
