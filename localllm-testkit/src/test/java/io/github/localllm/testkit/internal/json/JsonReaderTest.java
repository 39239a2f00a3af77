package io.github.localllm.testkit.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void keepsNumbersAsWrittenAndMembersInOrder() {
        JsonObject o = JsonReader.parseObject(" {\"z\":1e-06,\"a\":[50,-0.0,true,null],\"s\":\"\\u00e9\\ud83d\\ude00\\n\"} ");

        assertThat(o.members().keySet()).containsExactly("z", "a", "s");
        assertThat(o.get("z")).isEqualTo(new JsonNumber("1e-06"));
        assertThat(o.array("a").orElseThrow()).asInstanceOf(InstanceOfAssertFactories.list(Object.class))
                .containsExactly(new JsonNumber("50"), new JsonNumber("-0.0"), true, null);
        assertThat(o.string("s")).contains("é😀\n");
        assertThat(JsonWriter.write(o, JsonStyle.ECMASCRIPT)).isEqualTo("{\"z\":1e-06,\"a\":[50,-0.0,true,null],\"s\":\"é😀\\n\"}");
    }

    @Test
    void rejectsWhatJsonForbids() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "01", "1.", "-", "{'a':1}", "\"a\tb\"", "{\"a\" 1}", "nul",
                "[1] 2", "\"\\x\"", "\"\\u12\"")) {
            assertThatThrownBy(() -> JsonReader.parse(bad)).as(bad).isInstanceOf(JsonSyntaxException.class);
        }
        assertThatThrownBy(() -> JsonReader.parseObject("[1]")).isInstanceOf(JsonSyntaxException.class);
    }

    @Test
    void refusesNestingThatWouldExhaustTheStack() {
        String deep = "[".repeat(100_000);

        assertThatThrownBy(() -> JsonReader.parse(deep)).isInstanceOf(JsonSyntaxException.class).hasMessageContaining("nested");
    }
}
