package io.github.localllm.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.dialect.Dialects;
import com.sun.net.httpserver.HttpServer;
import io.github.localllm.InvalidRequestException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnswerValidatorTest {

    private static AnswerValidator validator(String schema) {
        return new AnswerValidator(SchemaDocument.parse(schema));
    }

    private static List<String> check(String schema, String answer) {
        return validator(schema).violations(answer);
    }

    @Test
    void typeIsChecked() {
        assertThat(check("{\"type\":\"integer\"}", "5")).isEmpty();
        assertThat(check("{\"type\":\"integer\"}", "\"5\"")).containsExactly("$: string found, integer expected");
        // 2020-12: a number with a zero fraction is an integer
        assertThat(check("{\"type\":\"integer\"}", "5.0")).isEmpty();
        assertThat(check("{\"type\":\"integer\"}", "5.5")).containsExactly("$: number found, integer expected");
    }

    @Test
    void requiredPropertiesMustBePresent() {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}";
        assertThat(check(schema, "{\"name\":\"Ada\"}")).isEmpty();
        assertThat(check(schema, "{}")).containsExactly("$: required property 'name' not found");
    }

    @Test
    void enumValuesAreChecked() {
        String schema = "{\"enum\":[\"red\",\"green\"]}";
        assertThat(check(schema, "\"green\"")).isEmpty();
        assertThat(check(schema, "\"blue\"")).singleElement().asString()
                .startsWith("$: does not have a value in the enumeration");
    }

    @Test
    void aPatternViolationNamesTheArrayElement() {
        String schema = "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}}}}";
        assertThat(check(schema, "{\"tags\":[\"ok\",\"fine\"]}")).isEmpty();
        assertThat(check(schema, "{\"tags\":[\"ok\",\"fine\",\"Bad1\"]}"))
                .containsExactly("$.tags[2]: does not match the regex pattern ^[a-z]+$");
    }

    @Test
    void minItemsAndUniqueItemsAreChecked() {
        assertThat(check("{\"type\":\"array\",\"minItems\":2}", "[1,2]")).isEmpty();
        assertThat(check("{\"type\":\"array\",\"minItems\":2}", "[1]"))
                .containsExactly("$: must have at least 2 items but found 1");
        assertThat(check("{\"type\":\"array\",\"uniqueItems\":true}", "[1,2,3]")).isEmpty();
        assertThat(check("{\"type\":\"array\",\"uniqueItems\":true}", "[1,2,1]"))
                .containsExactly("$: must have only unique items in the array");
        // reported once, not once per repeated element
        assertThat(check("{\"type\":\"array\",\"uniqueItems\":true}", "[1,1,1,1]"))
                .containsExactly("$: must have only unique items in the array");
    }

    @Test
    void multipleOfIsExactForDecimalFractions() {
        // in binary floating point 0.29 / 0.01 is not a whole number; answers are read as decimals
        String schema = "{\"type\":\"number\",\"multipleOf\":0.01}";
        assertThat(check(schema, "0.29")).isEmpty();
        assertThat(check(schema, "19.99")).isEmpty();
        assertThat(check(schema, "0.123")).containsExactly("$: must be multiple of 0.01");
    }

    @Test
    void notIsChecked() {
        String schema = "{\"not\":{\"type\":\"null\"}}";
        assertThat(check(schema, "1")).isEmpty();
        assertThat(check(schema, "null")).singleElement().asString().startsWith("$: must not be valid to the schema");
    }

    @Test
    void formatsAreAsserted() {
        String schema = "{\"type\":\"object\",\"properties\":{\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
                + "\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"mail\":{\"type\":\"string\",\"format\":\"email\"}}}";
        assertThat(check(schema, "{\"at\":\"2024-05-01T12:30:00Z\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\","
                + "\"mail\":\"ada@example.org\"}")).isEmpty();
        assertThat(check(schema, "{\"at\":\"yesterday at noon\",\"id\":\"42\",\"mail\":\"ada at example\"}"))
                .containsExactlyInAnyOrder(
                        "$.at: does not match the date-time pattern must be a valid RFC 3339 date-time",
                        "$.id: does not match the uuid pattern must be a valid RFC 4122 UUID",
                        "$.mail: does not match the email pattern must be a valid RFC 5321 Mailbox");
    }

    @Test
    void anUnknownFormatIsOnlyAnAnnotation() {
        // OpenAPI-style formats such as int32 are common in real schemas; no answer could satisfy an assertion on them
        assertThat(check("{\"type\":\"string\",\"format\":\"int32\"}", "\"anything\"")).isEmpty();
    }

    @Test
    void additionalPropertiesFalseRejectsOthers() {
        String schema = "{\"type\":\"object\",\"properties\":{\"a\":{}},\"additionalProperties\":false}";
        assertThat(check(schema, "{\"a\":1}")).isEmpty();
        assertThat(check(schema, "{\"a\":1,\"b\":2}")).containsExactly("$: property 'b' is not defined in the schema"
                + " and the schema does not allow additional properties");
    }

    @Test
    void aDuplicateKeyIsAViolation() {
        // parsers disagree on which of two values wins, so the answer means different things to different readers
        assertThat(check("{\"type\":\"object\"}", "{\"a\":1,\"a\":2}"))
                .containsExactly("the answer is not valid JSON: the key \"a\" appears twice in one object at line 1,"
                        + " column 11");
    }

    @Test
    void contentAfterTheValueIsAViolation() {
        assertThat(check("{\"type\":\"array\"}", "[1] [2]"))
                .containsExactly("the answer is not valid JSON: more content follows the JSON value at line 1, column 5");
        assertThat(check("{\"type\":\"object\"}", "{\"a\":1} Hope this helps!")).singleElement().asString()
                .startsWith("the answer is not valid JSON: Unrecognized token 'Hope'").endsWith("at line 1, column 9");
        // trailing white space is still JSON
        assertThat(check("{\"type\":\"object\"}", "{\"a\":1}\n  ")).isEmpty();
    }

    @Test
    void anEmptyAnswerIsAViolation() {
        assertThat(check("{}", "")).containsExactly("the answer is not valid JSON: it is empty at line 1, column 1");
        assertThat(check("{}", " \n ")).containsExactly("the answer is not valid JSON: it is empty at line 1, column 1");
    }

    @Test
    void truncatedJsonSaysWhereItEnds() {
        assertThat(check("{\"type\":\"object\"}", "{\"a\":[1,\n2")).singleElement().asString()
                .startsWith("the answer is not valid JSON: Unexpected end-of-input").endsWith("at line 2, column 2");
    }

    @Test
    void draft04TupleItemsFollowTheirDraft() {
        String schema = "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"array\","
                + "\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}";
        assertThat(check(schema, "[1,\"a\"]")).isEmpty();
        assertThat(check(schema, "[1,2]")).containsExactly("$[1]: integer found, string expected");
    }

    @Test
    void aSchemaThatBreaksItsDraftIsRefusedNamingTheKeywordAndTheWayOut() {
        // the same tuple without $schema is read as 2020-12, where items takes one schema
        String schema = "{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}";
        assertThatThrownBy(() -> validator(schema)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("the JSON schema is not a valid 2020-12 schema: $.items:")
                .hasMessageContaining("\"$schema\"");
        assertThatThrownBy(() -> validator("{\"type\":\"array\",\"minItems\":\"two\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("$.minItems: string found, integer expected");
    }

    @Test
    void draft07DefinitionsAreResolved() {
        String schema = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"definitions\":{\"age\":"
                + "{\"type\":\"integer\",\"minimum\":0}},\"type\":\"object\",\"properties\":{\"age\":"
                + "{\"$ref\":\"#/definitions/age\"}}}";
        assertThat(check(schema, "{\"age\":30}")).isEmpty();
        assertThat(check(schema, "{\"age\":-1}")).containsExactly("$.age: must have a minimum value of 0");
    }

    @Test
    void aReferenceIntoAnArrayElementIsResolved() {
        String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"integer\"},"
                + "{\"type\":\"null\"}]},\"b\":{\"$ref\":\"#/properties/a/anyOf/0\"}}}";
        assertThat(check(schema, "{\"a\":null,\"b\":2}")).isEmpty();
        assertThat(check(schema, "{\"a\":null,\"b\":\"x\"}")).containsExactly("$.b: string found, integer expected");
    }

    @Test
    void remoteSchemasAreNeverFetched() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Serves a usable schema, so a validator that did fetch would succeed and only the count would show it.
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"type\":\"integer\"}".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();

            assertThatThrownBy(() -> validator("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"" + base
                    + "/int.json\"}}}")).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(base + "/int.json").hasMessageContaining("never fetches")
                    .hasMessageContaining("$defs");
            assertThatThrownBy(() -> validator("{\"$id\":\"" + base + "/root.json\",\"type\":\"object\","
                    + "\"properties\":{\"a\":{\"$ref\":\"int.json\"}}}")).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(base + "/int.json");
            // an unknown $schema selects 2020-12 instead of being downloaded as a custom dialect
            AnswerValidator remoteDialect = validator("{\"$schema\":\"" + base + "/meta\",\"type\":\"integer\"}");
            assertThat(remoteDialect.violations("1")).isEmpty();
            assertThat(remoteDialect.violations("\"1\"")).containsExactly("$: string found, integer expected");
            // json-schema.org's meta-schemas come from the copies bundled in the validator's jar
            AnswerValidator metaSchema = validator("{\"$ref\":\"http://json-schema.org/draft-07/schema#\"}");
            assertThat(metaSchema.violations("{\"type\":\"string\"}")).isEmpty();
            assertThat(metaSchema.violations("{\"type\":5}")).isNotEmpty();

            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void classpathResourcesCannotBeReferenced() {
        // a request's schema must not read files out of the application's class path
        assertThatThrownBy(() -> validator("{\"$ref\":\"classpath:draft-07/schema\"}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("classpath:draft-07/schema");
    }

    @Test
    void violationLinesStayShortWhateverTheAnswer() {
        String longText = "x".repeat(10_000);
        List<String> notJson = check("{}", longText);
        List<String> wrongValue = check("{\"type\":\"string\",\"maxLength\":3,\"enum\":[\"" + "y".repeat(500)
                + "\"]}", "\"" + longText + "\"");

        assertThat(notJson).singleElement().asString().startsWith("the answer is not valid JSON: Unrecognized token");
        assertThat(wrongValue).hasSize(2);
        assertThat(List.of(notJson, wrongValue)).flatMap(l -> l)
                .allSatisfy(line -> assertThat(line).hasSizeLessThan(300).doesNotContain("x".repeat(300)));
    }

    @Test
    void aHugeAnswerGivesACountedReport() {
        StringBuilder answer = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            answer.append(i == 0 ? "" : ",").append("\"s\"");
        }
        List<String> violations = check("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", answer + "]");

        assertThat(violations).hasSize(AnswerValidator.MAX_VIOLATIONS + 1)
                .startsWith("$[0]: string found, integer expected")
                .endsWith("... and 80 more violations");
    }

    @Test
    void theDialectIsTheNamedDraftOrElse202012() {
        assertThat(AnswerValidator.dialect("http://json-schema.org/draft-04/schema#")).extracting(d -> d.getId()).isEqualTo(Dialects.getDraft4().getId());
        assertThat(AnswerValidator.dialect("http://json-schema.org/draft-06/schema#")).extracting(d -> d.getId()).isEqualTo(Dialects.getDraft6().getId());
        assertThat(AnswerValidator.dialect("http://json-schema.org/draft-07/schema")).extracting(d -> d.getId()).isEqualTo(Dialects.getDraft7().getId());
        assertThat(AnswerValidator.dialect("https://json-schema.org/draft/2019-09/schema"))
                .extracting(d -> d.getId()).isEqualTo(Dialects.getDraft201909().getId());
        assertThat(AnswerValidator.dialect("https://json-schema.org/draft/2020-12/schema"))
                .extracting(d -> d.getId()).isEqualTo(Dialects.getDraft202012().getId());
        assertThat(AnswerValidator.dialect("https://spec.openapis.org/oas/3.1/dialect/base"))
                .extracting(d -> d.getId()).isEqualTo(Dialects.getDraft202012().getId());
        assertThat(AnswerValidator.dialect(null)).extracting(d -> d.getId()).isEqualTo(Dialects.getDraft202012().getId());
    }

    @Test
    void oneValidatorServesManyThreads() throws Exception {
        AnswerValidator shared = validator("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\","
                + "\"maximum\":10}},\"required\":[\"n\"]}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 200; i++) {
                        List<String> expected = i > 10 ? List.of("$.n: must have a maximum value of 10") : List.of();
                        if (!shared.violations("{\"n\":" + i + "}").equals(expected)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> done : pool.invokeAll(tasks)) {
                assertThat(done.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownKeywordsAreAnnotationsWithoutAWarningPerCompile() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            AnswerValidator v = new AnswerValidator(SchemaDocument.parse("{\"type\":\"object\","
                    + "\"markdownDescription\":\"**x**\",\"x-vendor\":1}"));
            assertThat(v.violations("{}")).isEmpty();
        } finally {
            System.setErr(saved);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Unknown keyword");
    }
}
