package io.github.localllm.testkit.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JsonStyleTest {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private static String fixture(String name) throws IOException {
        try (InputStream in = JsonStyleTest.class.getResourceAsStream("/io/github/localllm/testkit/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The numbers inside the first {@code "key":[...]} array of a text. */
    private static List<String> numbers(String text, String key) {
        int start = text.indexOf("\"" + key + "\":");
        int open = text.indexOf('[', start);
        int close = text.indexOf(']', open);
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text.substring(open + 1, close));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static String float32(float f, JsonStyle style) {
        return JsonWriter.write(f, style);
    }

    private static String float64(double d, JsonStyle style) {
        return JsonWriter.write(d, style);
    }

    @Test
    void nlohmannPrintsLlamaServersEmbeddingValuesToTheLastDigit() throws IOException {
        List<String> captured = numbers(fixture("llama-server/11-POST-v1-embeddings.http"), "embedding");

        assertThat(captured).hasSize(768);
        for (String lexeme : captured) {
            // llama.cpp keeps float32 vectors and nlohmann::json prints them widened to double.
            assertThat(float64(Float.parseFloat(lexeme), JsonStyle.NLOHMANN)).isEqualTo(lexeme);
        }
        assertThat(captured).anyMatch(s -> s.contains("e-")).anyMatch(s -> s.startsWith("-0.000"));
    }

    @Test
    void everyStyleReadsBackToTheSameDouble() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            for (JsonStyle style : JsonStyle.values()) {
                assertThat(Double.parseDouble(float64(d, style))).as("%s %s", style, d).isEqualTo(d);
            }
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                assertThat(Float.parseFloat(float32(f, JsonStyle.GO))).isEqualTo(f);
            }
        }
    }

    @Test
    void goPrintsOllamasFloat32EmbeddingsAndItsWidenedLegacyOnes() throws IOException {
        for (String lexeme : numbers(fixture("ollama/embed-response.json"), "embeddings")) {
            assertThat(float32(Float.parseFloat(lexeme), JsonStyle.GO)).isEqualTo(lexeme);
        }
        for (String lexeme : numbers(fixture("ollama/embeddings-legacy-response.json"), "embedding")) {
            assertThat(float64((double) Float.parseFloat(lexeme), JsonStyle.GO)).isEqualTo(lexeme);
        }
    }

    @Test
    void javascriptPrintsLmStudiosEmbeddingValues() throws IOException {
        List<String> values = numbers(fixture("lmstudio/v0-embeddings-response.json"), "embedding");
        assertThat(values).hasSize(6);
        for (String lexeme : values) {
            assertThat(float64(Float.parseFloat(lexeme), JsonStyle.ECMASCRIPT)).isEqualTo(lexeme);
        }
    }

    @Test
    void eachStyleLaysOutExponentsAndIntegralValuesLikeItsLanguage() {
        assertThat(float32(1e-7f, JsonStyle.GO)).isEqualTo("1e-7");
        assertThat(float64(1e21, JsonStyle.GO)).isEqualTo("1e+21");
        assertThat(float64(2.5e-10, JsonStyle.GO)).isEqualTo("2.5e-10");
        assertThat(float64(123456789.0, JsonStyle.GO)).isEqualTo("123456789");
        assertThat(float64(0.000001, JsonStyle.GO)).isEqualTo("0.000001");

        assertThat(float64(1.0, JsonStyle.NLOHMANN)).isEqualTo("1.0");
        assertThat(float64(0.0001, JsonStyle.NLOHMANN)).isEqualTo("0.0001");
        assertThat(float64(1e-5, JsonStyle.NLOHMANN)).isEqualTo("1e-05");
        assertThat(float64(1e16, JsonStyle.NLOHMANN)).isEqualTo("1e+16");

        assertThat(float64(1.0, JsonStyle.PYTHON)).isEqualTo("1.0");
        assertThat(float64(1e-5, JsonStyle.PYTHON)).isEqualTo("1e-05");
        assertThat(float64(1e15, JsonStyle.PYTHON)).isEqualTo("1000000000000000.0");
        assertThat(float64(1.5e16, JsonStyle.PYTHON)).isEqualTo("1.5e+16");

        assertThat(float64(4.0, JsonStyle.ECMASCRIPT)).isEqualTo("4");
        assertThat(float64(0.000001, JsonStyle.ECMASCRIPT)).isEqualTo("0.000001");
        assertThat(float64(1e-7, JsonStyle.ECMASCRIPT)).isEqualTo("1e-7");
        assertThat(float64(1e21, JsonStyle.ECMASCRIPT)).isEqualTo("1e+21");
        assertThat(float64(-0.0, JsonStyle.ECMASCRIPT)).isEqualTo("0");
        assertThat(float64(Double.NaN, JsonStyle.NLOHMANN)).isEqualTo("null");
    }

    @Test
    void goEscapesHtmlCharactersAndLineSeparatorsTheOthersDoNot() {
        String text = "<b>a & b</b>\u2028\u0001\b\f\t\"\\é";

        assertThat(JsonWriter.write(text, JsonStyle.GO))
                .isEqualTo("\"\\u003cb\\u003ea \\u0026 b\\u003c/b\\u003e\\u2028\\u0001\\b\\f\\t\\\"\\\\é\"");
        assertThat(JsonWriter.write(text, JsonStyle.NLOHMANN)).isEqualTo("\"<b>a & b</b>\u2028\\u0001\\b\\f\\t\\\"\\\\é\"");
        assertThat(JsonWriter.write(text, JsonStyle.ECMASCRIPT)).isEqualTo(JsonWriter.write(text, JsonStyle.PYTHON));
    }

    @Test
    void loneSurrogatesBecomeReplacementCharactersInGoAndEscapesInJavaScript() {
        String lone = "a\uD800b";

        assertThat(JsonWriter.write(lone, JsonStyle.GO)).isEqualTo("\"a\uFFFDb\"");
        assertThat(JsonWriter.write(lone, JsonStyle.ECMASCRIPT)).isEqualTo("\"a\\ud800b\"");
        assertThat(JsonWriter.write("😀", JsonStyle.GO)).isEqualTo("\"😀\"");
    }

    @Test
    void theUnknownFieldsFaultReachesNestedObjectsButNotPayloads() {
        JsonObject tree = new JsonObject().put("outer", new JsonObject().put("n", 1))
                .put("list", List.of(new JsonObject()))
                .put("arguments", new Payload(JsonReader.parse("{\"city\":\"Tokyo\"}")));

        String json = JsonWriter.write(tree, JsonStyle.GO, true);

        String member = "\"" + JsonWriter.UNKNOWN_MEMBER + "\":";
        assertThat(json.split(member, -1)).hasSize(4);
        assertThat(json).contains("\"arguments\":{\"city\":\"Tokyo\"}").startsWith("{\"outer\":{\"n\":1," + member);
        assertThat(JsonReader.parse(json)).isInstanceOf(JsonObject.class);
    }
}
