package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.internal.GbnfValidator;
import org.junit.jupiter.api.Test;

/** Each converted grammar is checked twice: by llama.cpp b4916's parser rules, and by what it accepts. */
class SchemaConverterTest {

    static GbnfRecognizer grammar(String schema) {
        String gbnf = SchemaConverter.convert(SchemaDocument.parse(schema)).gbnf();
        GbnfValidator.validate(gbnf);
        return GbnfRecognizer.parse(gbnf);
    }

    @Test
    void objectWithRequiredAndOptionalProperties() {
        GbnfRecognizer g = grammar("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                + "\"b\":{\"type\":\"string\"},\"c\":{\"type\":\"boolean\"}},\"required\":[\"b\"],"
                + "\"additionalProperties\":false}");
        assertThat(g.accepts("{\"b\":\"x\"}")).isTrue();
        assertThat(g.accepts("{\"a\":1,\"b\":\"x\"}")).isTrue();
        assertThat(g.accepts("{\"a\":1,\"b\":\"x\",\"c\":true}")).isTrue();
        assertThat(g.accepts("{\"b\":\"x\",\"c\":false}")).isTrue();
        assertThat(g.accepts("{\"a\":1}")).isFalse();
        assertThat(g.accepts("{}")).isFalse();
        assertThat(g.accepts("{\"b\":\"x\",\"d\":1}")).isFalse();
        assertThat(g.accepts("{\"a\":1,,\"b\":\"x\"}")).isFalse();
    }

    @Test
    void additionalPropertiesAreAllowedByDefaultButNotUnderDeclaredNames() {
        GbnfRecognizer g = grammar("{\"type\":\"object\",\"properties\":{\"ab\":{\"type\":\"integer\"}}}");
        assertThat(g.accepts("{}")).isTrue();
        assertThat(g.accepts("{\"ab\":1,\"x\":\"y\"}")).isTrue();
        assertThat(g.accepts("{\"a\":\"y\"}")).isTrue();
        assertThat(g.accepts("{\"abc\":\"y\"}")).isTrue();
        assertThat(g.accepts("{\"ab\":\"y\"}")).isFalse();
        assertThat(g.accepts("{\"x\":1,\"ab\":1}")).isFalse();
    }

    @Test
    void stringPatternLengthAndEscapes() {
        GbnfRecognizer g = grammar("{\"type\":\"string\",\"pattern\":\"^\\\"$\"}");
        assertThat(g.accepts("\"\\\"\"")).isTrue();
        assertThat(g.accepts("\"\"\"")).isFalse();
        GbnfRecognizer digits = grammar("{\"type\":\"string\",\"pattern\":\"^\\\\d{2,3}$\"}");
        assertThat(digits.accepts("\"12\"")).isTrue();
        assertThat(digits.accepts("\"1234\"")).isFalse();
        GbnfRecognizer unanchored = grammar("{\"type\":\"string\",\"pattern\":\"ab\"}");
        assertThat(unanchored.accepts("\"xxabyy\"")).isTrue();
        assertThat(unanchored.accepts("\"xxayy\"")).isFalse();
        GbnfRecognizer len = grammar("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertThat(len.accepts("\"ab\"")).isTrue();
        assertThat(len.accepts("\"\\nb\"")).isTrue();
        assertThat(len.accepts("\"a\"")).isFalse();
        assertThat(len.accepts("\"abcd\"")).isFalse();
    }

    @Test
    void integerBounds() {
        GbnfRecognizer g = grammar("{\"type\":\"integer\",\"minimum\":-15,\"maximum\":230}");
        for (int i = -30; i <= 300; i++) {
            assertThat(g.accepts(Integer.toString(i))).as("%d", i).isEqualTo(i >= -15 && i <= 230);
        }
        assertThat(g.accepts("007")).isFalse();
        assertThat(g.accepts("-0")).isFalse();
        GbnfRecognizer open = grammar("{\"type\":\"integer\",\"exclusiveMinimum\":99}");
        for (int i = -5; i <= 1200; i++) {
            assertThat(open.accepts(Integer.toString(i))).as("%d", i).isEqualTo(i > 99);
        }
    }

    @Test
    void numberBetweenZeroAndOne() {
        GbnfRecognizer g = grammar("{\"type\":\"number\",\"minimum\":0,\"maximum\":1}");
        assertThat(g.accepts("0")).isTrue();
        assertThat(g.accepts("0.25")).isTrue();
        assertThat(g.accepts("1")).isTrue();
        assertThat(g.accepts("1.0")).isTrue();
        assertThat(g.accepts("1.5")).isFalse();
        assertThat(g.accepts("-0.5")).isFalse();
        assertThat(g.accepts("2")).isFalse();
    }

    @Test
    void arraysWithPrefixAndCounts() {
        GbnfRecognizer g = grammar("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],"
                + "\"items\":{\"type\":\"boolean\"},\"minItems\":1,\"maxItems\":3}");
        assertThat(g.accepts("[1]")).isTrue();
        assertThat(g.accepts("[1,\"a\"]")).isTrue();
        assertThat(g.accepts("[1,\"a\",true]")).isTrue();
        assertThat(g.accepts("[]")).isFalse();
        assertThat(g.accepts("[1,\"a\",true,false]")).isFalse();
        assertThat(g.accepts("[\"a\"]")).isFalse();
        GbnfRecognizer none = grammar("{\"type\":\"array\",\"maxItems\":0}");
        assertThat(none.accepts("[]")).isTrue();
        assertThat(none.accepts("[1]")).isFalse();
        GbnfRecognizer tuple = grammar("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"array\","
                + "\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"additionalItems\":false}");
        assertThat(tuple.accepts("[1,\"a\"]")).isTrue();
        assertThat(tuple.accepts("[1,\"a\",2]")).isFalse();
    }

    @Test
    void refsIntoArraysAndRecursion() {
        GbnfRecognizer g = grammar("{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},"
                + "\"b\":{\"$ref\":\"#/properties/a/anyOf/0\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}");
        assertThat(g.accepts("{\"a\":null,\"b\":\"x\"}")).isTrue();
        assertThat(g.accepts("{\"a\":null,\"b\":null}")).isFalse();
        GbnfRecognizer tree = grammar("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":"
                + "\"integer\"},\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},\"required\":[\"v\"],"
                + "\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}");
        assertThat(tree.accepts("{\"v\":1,\"kids\":[{\"v\":2},{\"v\":3,\"kids\":[]}]}")).isTrue();
        assertThat(tree.accepts("{\"v\":1,\"kids\":[{}]}")).isFalse();
    }

    @Test
    void allOfOfEnumsIntersects() {
        GbnfRecognizer g = grammar("{\"$defs\":{\"a\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},"
                + "\"b\":{\"enum\":[\"y\",\"z\"]}},\"allOf\":[{\"$ref\":\"#/$defs/a\"},{\"$ref\":\"#/$defs/b\"}]}");
        assertThat(g.accepts("\"y\"")).isTrue();
        assertThat(g.accepts("\"x\"")).isFalse();
        assertThat(g.accepts("{}")).isFalse();
    }

    @Test
    void emptyAndDescriptionOnlySchemasAllowAnyValue() {
        for (String s : new String[] {"{}", "{\"description\":\"anything\"}", "true"}) {
            GbnfRecognizer g = grammar(s);
            assertThat(g.accepts("{\"a\":[1,2.5,\"x\",null,true]}")).isTrue();
            assertThat(g.accepts("\"s\"")).isTrue();
        }
    }

    @Test
    void constWithEscapes() {
        GbnfRecognizer g = grammar("{\"const\":\"a\\\"b\\\\c\\n\"}");
        assertThat(g.accepts("\"a\\\"b\\\\c\\n\"")).isTrue();
        assertThat(g.accepts("\"ab\"")).isFalse();
    }

    @Test
    void impossibleAndEndlessSchemasAreRefused() {
        assertThatThrownBy(() -> grammar("false")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no JSON value");
        assertThatThrownBy(() -> grammar("{\"$ref\":\"#\"}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("itself");
        assertThatThrownBy(() -> grammar("{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#\"}},"
                + "\"required\":[\"next\"]}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("without end");
        assertThatThrownBy(() -> grammar("{\"$ref\":\"https://example.com/s.json\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("never fetched");
        assertThatThrownBy(() -> grammar("{\"$ref\":\"#/$defs/missing\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> grammar("{\"type\":\"string\",\"pattern\":\"^(?=a)\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("lookahead")
                .hasMessageContaining("$.pattern");
    }
}
