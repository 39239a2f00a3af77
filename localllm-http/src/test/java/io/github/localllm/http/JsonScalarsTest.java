package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

class JsonScalarsTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** @return what {@code read} makes of the value of {@code {"v": json}} */
    private static <T> T read(String json, Function<JsonParser, T> read) {
        try (JsonParser p = MAPPER.createParser("{\"v\":" + json + "}")) {
            p.nextToken();
            p.nextName();
            p.nextToken();
            return read.apply(p);
        }
    }

    @Test
    void readsStringsWithDatabindingsCoercions() {
        assertThat(read("\"a\\u00e9\"", JsonScalars::string)).isEqualTo("aé");
        assertThat(read("null", JsonScalars::string)).isNull();
        assertThat(read("12", JsonScalars::string)).isEqualTo("12");
        assertThat(read("true", JsonScalars::string)).isEqualTo("true");
        assertThatThrownBy(() -> read("[\"a\"]", JsonScalars::string)).isInstanceOf(StreamReadException.class)
                .hasMessageContaining("expected a string for \"v\", found an array");
    }

    @Test
    void readsNumbersWithDatabindingsCoercions() {
        assertThat(read("9007199254740993", JsonScalars::longValue)).isEqualTo(9007199254740993L);
        assertThat(read("null", JsonScalars::longValue)).isZero();
        assertThat(read("\" 42 \"", JsonScalars::intValue)).isEqualTo(42);
        assertThat(read("2.9", JsonScalars::intValue)).isEqualTo(2);
        assertThat(read("null", JsonScalars::integerOrNull)).isNull();
        assertThat(read("7", JsonScalars::integerOrNull)).isEqualTo(7);
        assertThat(read("1.5", JsonScalars::doubleOrNull)).isEqualTo(1.5);
        assertThat(read("null", JsonScalars::doubleOrNull)).isNull();
        assertThatThrownBy(() -> read("\"many\"", JsonScalars::intValue)).isInstanceOf(StreamReadException.class)
                .hasMessageContaining("expected a number for \"v\", found 'many'");
        assertThatThrownBy(() -> read("4294967296", JsonScalars::intValue)).isInstanceOf(StreamReadException.class)
                .hasMessageContaining("out of the range of an int");
        assertThatThrownBy(() -> read("{}", JsonScalars::doubleOrNull)).isInstanceOf(StreamReadException.class);
    }

    @Test
    void readsBooleansWithDatabindingsCoercions() {
        assertThat(read("true", JsonScalars::bool)).isTrue();
        assertThat(read("false", JsonScalars::bool)).isFalse();
        assertThat(read("null", JsonScalars::bool)).isFalse();
        assertThat(read("1", JsonScalars::bool)).isTrue();
        assertThat(read("\"TRUE\"", JsonScalars::bool)).isTrue();
        assertThatThrownBy(() -> read("\"yes\"", JsonScalars::bool)).isInstanceOf(StreamReadException.class)
                .hasMessageContaining("expected a boolean");
    }

    @Test
    void requireObjectNamesWhatWasExpected() {
        assertThatThrownBy(() -> read("[]", p -> {
            JsonScalars.requireObject(p, "a chunk");
            return null;
        })).isInstanceOf(StreamReadException.class).hasMessageContaining("expected a chunk (a JSON object) for \"v\", found an array");
    }
}
