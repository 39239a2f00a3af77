package io.github.localllm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object o) {
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void scalars() {
        assertThat(Json.parse("true")).isEqualTo(Boolean.TRUE);
        assertThat(Json.parse("false")).isEqualTo(Boolean.FALSE);
        assertThat(Json.parse("null")).isSameAs(Json.NULL);
        assertThat(Json.NULL).hasToString("null");
        assertThat(Json.parse("\"hi\"")).isEqualTo("hi");
        assertThat(Json.parse(" \t\r\n 7 \n")).isEqualTo(new BigDecimal("7"));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "-0,-0", "42,42", "-17,-17", "3.25,3.25", "1e3,1E+3", "1E-2,0.01", "-2.5e+2,-250",
        "12345678901234567890123,12345678901234567890123"})
    void numbersAreExactDecimals(String text, String expected) {
        assertThat((BigDecimal) Json.parse(text)).isEqualByComparingTo(expected);
    }

    @Test
    void objectsKeepMemberOrder() {
        Object parsed = Json.parse("{\"b\": 1, \"a\": [true, null, \"x\"], \"c\": {}}");

        assertThat(parsed).isInstanceOf(Map.class);
        Map<Object, Object> map = map(parsed);
        assertThat(map.keySet()).containsExactly("b", "a", "c");
        assertThat(list(map.get("a"))).containsExactly(Boolean.TRUE, Json.NULL, "x");
        assertThat(map(map.get("c"))).isEmpty();
    }

    @Test
    void emptyContainers() {
        assertThat((List<?>) Json.parse("[ ]")).isEmpty();
        assertThat((Map<?, ?>) Json.parse("{ }")).isEmpty();
    }

    @Test
    void deepNestingWithinTheLimit() {
        String doc = "[".repeat(200) + "{\"k\":1}" + "]".repeat(200);
        Object v = Json.parse(doc);
        for (int i = 0; i < 200; i++) {
            v = ((List<?>) v).get(0);
        }
        assertThat(map(v)).containsEntry("k", BigDecimal.ONE);
    }

    @Test
    void escapes() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"")).isEqualTo("q\" b\\ s/ \b\f\n\r\t");
    }

    @Test
    void unicodeEscapesIncludingSurrogatePairs() {
        assertThat(Json.parse("\"\\u00e9\\u4E2D\"")).isEqualTo("é中");
        // U+1F600 is written as a UTF-16 surrogate pair in JSON
        assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
        assertThat(Json.parse("\"raw 😀 ü\"")).isEqualTo("raw 😀 ü");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":1,}          | expected a quoted member name | line 1, column 8",
        "[1,2,]              | unexpected character ']'      | line 1, column 6",
        "\"abc               | unexpected end of input       | line 1, column 5",
        "\"a\\x\"            | bad escape                    | line 1, column 4",
        "\"\\u12G4\"         | bad \\u escape                | line 1",
        "\"\\u12\"           | escape                        | line 1",
        "{\"a\" 1}           | expected ':'                  | line 1, column 6",
        "{a:1}               | expected a quoted member name | line 1, column 2",
        "[1 2]               | expected ',' or ']'           | line 1, column 4",
        "{\"a\":1 \"b\":2}   | expected ',' or '}'           | line 1, column 8",
        "tru                 | unexpected word               | line 1, column 1",
        "nulls               | unexpected text after the value | line 1, column 5",
        "1 2                 | unexpected text after the value | line 1, column 3",
        "-                   | expected a digit              | line 1, column 2",
        "1.                  | expected a digit              | line 1, column 3",
        "1e                  | expected a digit              | line 1, column 3",
        ".5                  | unexpected character '.'      | line 1, column 1",
        "+1                  | unexpected character '+'      | line 1, column 1",
        "x                   | unexpected character 'x'      | line 1, column 1",
        "[                   | unexpected end of input       | line 1, column 2",
        "{                   | expected a quoted member name | line 1, column 2"
    })
    void malformedInputNamesProblemAndPosition(String text, String problem, String position) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void emptyDocumentIsAnError(String text) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected end of input");
    }

    @Test
    void positionCountsLines() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\": ,\n}"))
                .hasMessageContaining("line 3, column 8");
    }

    @Test
    void controlCharacterInStringIsRejected() {
        assertThatThrownBy(() -> Json.parse("\"a\nb\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character")
                .hasMessageContaining("line 1, column 3");
        assertThatThrownBy(() -> Json.parse("\"a\u0001\""))
                .hasMessageContaining("control character");
    }

    @Test
    void nestingDeeperThan256IsRejected() {
        String doc = "[".repeat(300) + "]".repeat(300);
        assertThatThrownBy(() -> Json.parse(doc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 256 levels")
                .hasMessageContaining("line 1, column");
    }

    @Test
    void nestingLimitIsExactly256() {
        // 257 levels: the root plus 256 nested containers
        assertThat(Json.parse("[".repeat(257) + "]".repeat(257))).isInstanceOf(List.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(258) + "]".repeat(258)))
                .hasMessageContaining("nested deeper");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "00.5", "[012]"})
    void leadingZerosAreRejected(String text) {
        // RFC 8259: int = zero / ( digit1-9 *DIGIT )
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1, column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1\u0663", "1.\u0663", "[1\u0663]"})
    void onlyAsciiDigitsAreNumbers(String text) {
        // U+0663 ARABIC-INDIC DIGIT THREE is a Character.isDigit digit but not a JSON one
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1, column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\u+041\"", "\"\\u-041\"", "\"\\u 041\""})
    void unicodeEscapeNeedsFourHexDigits(String text) {
        // Integer.parseInt would accept a sign; JSON does not
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\\u escape");
    }

    @Test
    void hugeExponentIsAPositionedError() {
        assertThatThrownBy(() -> Json.parse("{\"n\": 1e99999999999}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1, column 7");
    }
}
