package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import org.junit.jupiter.api.Test;

/** Each converted grammar is checked twice: by llama.cpp b4916's parser rules, and by what it accepts. */
class SchemaConverterTest {

    static GbnfRecognizer grammar(String schema) {
        String gbnf = SchemaConverter.convert(SchemaDocument.parse(schema)).gbnf();
        // Throws when llama.cpp b4916's parser would refuse the grammar or loop on it.
        ResponseFormat.grammar(gbnf);
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

    // Regression tests for bugs the JSON Schema Test Suite revealed (see JsonSchemaTestSuiteTest).

    @Test
    void additionalPropertiesAndItemsApplyToWhatOnlyAnAllOfPartDeclares() {
        GbnfRecognizer props = grammar("{\"allOf\":[{\"properties\":{\"foo\":{}}}],"
                + "\"additionalProperties\":{\"type\":\"boolean\"}}");
        assertThat(props.accepts("{\"foo\":true,\"bar\":false}")).isTrue();
        assertThat(props.accepts("{\"foo\":1}")).isFalse();
        GbnfRecognizer items = grammar("{\"allOf\":[{\"prefixItems\":[{\"type\":\"integer\"}]}],"
                + "\"items\":{\"type\":\"integer\",\"minimum\":5}}");
        assertThat(items.accepts("[5,6]")).isTrue();
        assertThat(items.accepts("[3,6]")).isFalse();
        GbnfRecognizer legacy = grammar("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"allOf\":"
                + "[{\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}],\"items\":[{\"type\":\"integer\"}],"
                + "\"additionalItems\":{\"type\":\"boolean\"}}");
        assertThat(legacy.accepts("[1]")).isTrue();
        assertThat(legacy.accepts("[1,\"hello\"]")).isFalse();
        // A name the part's patternProperties match is not additional to it: the grammar stays wider.
        GbnfRecognizer patterns = grammar("{\"properties\":{\"foo\":{}},\"allOf\":[{\"patternProperties\":"
                + "{\"^f\":{}},\"additionalProperties\":false}]}");
        assertThat(patterns.accepts("{\"foo\":1}")).isTrue();
    }

    @Test
    void identifiersInsideEnumValuesAreData() {
        GbnfRecognizer g = grammar("{\"$defs\":{\"data\":{\"enum\":[{\"$anchor\":\"it\",\"type\":\"null\"},"
                + "{\"$id\":\"https://example.com/it.json\",\"type\":\"null\"}]},"
                + "\"anchored\":{\"$anchor\":\"it\",\"type\":\"string\"},"
                + "\"identified\":{\"$id\":\"https://example.com/it.json\",\"type\":\"string\"}},"
                + "\"properties\":{\"a\":{\"$ref\":\"#it\"},\"b\":{\"$ref\":\"https://example.com/it.json\"}}}");
        assertThat(g.accepts("{\"a\":\"x\",\"b\":\"y\"}")).isTrue();
        assertThat(g.accepts("{\"a\":null}")).isFalse();
        assertThat(g.accepts("{\"b\":null}")).isFalse();
    }

    @Test
    void fragmentReferencesResolveAgainstUrnBases() {
        GbnfRecognizer g = grammar("{\"$id\":\"urn:uuid:deadbeef-1234-00ff-ff00-4321feebdaed\","
                + "\"properties\":{\"foo\":{\"$ref\":\"#/$defs/bar\"}},\"$defs\":{\"bar\":{\"type\":\"string\"}}}");
        assertThat(g.accepts("{\"foo\":\"x\"}")).isTrue();
        assertThat(g.accepts("{\"foo\":1}")).isFalse();
    }

    @Test
    void mergedSchemasKeepTheBaseOfTheirResource() {
        GbnfRecognizer g = grammar("{\"$id\":\"http://example.com/one.json\",\"properties\":{\"foo\":{"
                + "\"$id\":\"two.json\",\"$defs\":{\"inner\":{\"properties\":{\"bar\":{\"type\":\"string\"}}}},"
                + "\"$ref\":\"#/$defs/inner\"}},\"$ref\":\"two.json\"}");
        assertThat(g.accepts("{\"foo\":{\"bar\":\"a\"},\"bar\":\"a\"}")).isTrue();
        assertThat(g.accepts("{\"foo\":{\"bar\":1},\"bar\":\"a\"}")).isFalse();
        GbnfRecognizer draft4 = grammar("{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
                + "\"id\":\"http://example.com/root.json\",\"properties\":{\"a\":{\"id\":\"sub/\",\"properties\":"
                + "{\"b\":{\"$ref\":\"item.json\"}}}},\"definitions\":{\"item\":{"
                + "\"id\":\"http://example.com/sub/item.json\",\"type\":\"integer\"}}}");
        assertThat(draft4.accepts("{\"a\":{\"b\":1}}")).isTrue();
        assertThat(draft4.accepts("{\"a\":{\"b\":\"x\"}}")).isFalse();
    }

    @Test
    void draft07IdBesideRefDoesNotChangeTheBase() {
        GbnfRecognizer g = grammar("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                + "\"$id\":\"http://example.com/base/\",\"definitions\":{"
                + "\"elsewhere\":{\"$id\":\"http://example.com/foo.json\",\"type\":\"string\"},"
                + "\"here\":{\"$id\":\"foo.json\",\"type\":\"number\"}},"
                + "\"properties\":{\"x\":{\"$id\":\"http://example.com/\",\"$ref\":\"foo.json\"}}}");
        assertThat(g.accepts("{\"x\":1}")).isTrue();
        assertThat(g.accepts("{\"x\":\"a\"}")).isFalse();
    }

    @Test
    void dynamicRefMeansTheOutermostDynamicAnchor() {
        GbnfRecognizer g = grammar("{\"$id\":\"https://example.com/root\",\"$ref\":\"list\",\"$defs\":{"
                + "\"foo\":{\"$dynamicAnchor\":\"items\",\"type\":\"string\"},"
                + "\"list\":{\"$id\":\"list\",\"type\":\"array\",\"items\":{\"$dynamicRef\":\"#items\"},"
                + "\"$defs\":{\"items\":{\"$dynamicAnchor\":\"items\"}}}}}");
        assertThat(g.accepts("[\"a\",\"b\"]")).isTrue();
        assertThat(g.accepts("[\"a\",42]")).isFalse();
        GbnfRecognizer beside = grammar("{\"$defs\":{\"s\":{\"$dynamicAnchor\":\"s\",\"type\":\"string\"}},"
                + "\"$dynamicRef\":\"#s\",\"maxLength\":2}");
        assertThat(beside.accepts("\"ab\"")).isTrue();
        assertThat(beside.accepts("\"abc\"")).isFalse();
        assertThatThrownBy(() -> grammar("{\"$id\":\"https://example.com/root\",\"$defs\":{"
                + "\"a\":{\"$id\":\"a\",\"$dynamicAnchor\":\"t\",\"type\":\"string\"},"
                + "\"b\":{\"$id\":\"b\",\"$dynamicAnchor\":\"t\",\"items\":{\"$dynamicRef\":\"#t\"}}},"
                + "\"anyOf\":[{\"$ref\":\"a\"},{\"$ref\":\"b\"}]}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("$dynamicAnchor \"t\"")
                .hasMessageContaining("cannot be enforced");
    }

    @Test
    void unevaluatedPropertiesSeesOnlyItsOwnSchema() {
        GbnfRecognizer ref = grammar("{\"$defs\":{\"a\":{\"unevaluatedProperties\":false}},"
                + "\"properties\":{\"p\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a\"}");
        assertThat(ref.accepts("{}")).isTrue();
        assertThat(ref.accepts("{\"p\":\"x\"}")).isFalse();
        GbnfRecognizer cousins = grammar("{\"allOf\":[{\"properties\":{\"foo\":true}},"
                + "{\"unevaluatedProperties\":false}]}");
        assertThat(cousins.accepts("{\"foo\":1}")).isFalse();
        GbnfRecognizer own = grammar("{\"type\":\"object\",\"allOf\":[{\"properties\":{\"foo\":true}}],"
                + "\"properties\":{\"bar\":true},\"unevaluatedProperties\":false}");
        assertThat(own.accepts("{\"bar\":1,\"foo\":1}")).isTrue();
        assertThat(own.accepts("{\"bar\":1,\"baz\":1}")).isFalse();
    }

    @Test
    void unevaluatedPropertiesAllowsWhatAnyBranchEvaluates() {
        for (String branches : new String[] {
                "\"anyOf\":[{\"properties\":{\"bar\":{\"const\":\"bar\"}},\"required\":[\"bar\"]},"
                        + "{\"properties\":{\"baz\":{\"const\":\"baz\"}},\"required\":[\"baz\"]}]",
                "\"if\":{\"properties\":{\"bar\":{\"const\":\"bar\"}}},\"then\":{\"properties\":"
                        + "{\"baz\":{\"type\":\"string\"}}}",
                "\"dependentSchemas\":{\"bar\":{\"properties\":{\"baz\":{\"type\":\"string\"}}}}"}) {
            SchemaConverter.Conversion c = SchemaConverter.convert(SchemaDocument.parse("{\"type\":\"object\","
                    + "\"properties\":{\"foo\":{\"type\":\"string\"},\"bar\":true}," + branches
                    + ",\"unevaluatedProperties\":false}"));
            ResponseFormat.grammar(c.gbnf());
            GbnfRecognizer g = GbnfRecognizer.parse(c.gbnf());
            assertThat(g.accepts("{\"foo\":\"foo\",\"bar\":\"bar\",\"baz\":\"baz\"}")).as(branches).isTrue();
            assertThat(g.accepts("{\"foo\":\"foo\",\"bar\":\"bar\",\"qux\":\"qux\"}")).as(branches).isFalse();
            assertThat(c.checkedAfterGeneration()).as(branches).contains("$.unevaluatedProperties");
        }
    }

    @Test
    void dateFormatKnowsMonthLengthsAndLeapYears() {
        GbnfRecognizer g = grammar("{\"type\":\"string\",\"format\":\"date\"}");
        for (String ok : new String[] {"2020-01-31", "2020-02-29", "2000-02-29", "2021-02-28", "2021-04-30",
                "1600-02-29", "2024-12-31"}) {
            assertThat(g.accepts("\"" + ok + "\"")).as(ok).isTrue();
        }
        for (String bad : new String[] {"2021-02-29", "1900-02-29", "2020-02-30", "2020-04-31", "2020-06-31",
                "2020-09-31", "2020-11-31", "2020-13-01", "2020-00-10", "2020-01-00"}) {
            assertThat(g.accepts("\"" + bad + "\"")).as(bad).isFalse();
        }
        GbnfRecognizer dateTime = grammar("{\"type\":\"string\",\"format\":\"date-time\"}");
        assertThat(dateTime.accepts("\"1990-02-28T15:59:59.123-08:00\"")).isTrue();
        assertThat(dateTime.accepts("\"1990-02-31T15:59:59.123-08:00\"")).isFalse();
    }
}
