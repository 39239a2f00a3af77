package io.github.localllm.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

class JsonNamesTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNames NAMES = JsonNames.of("a", "content", "system_fingerprint", "a_name_longer_than_sixteen");

    /** @return each listed member as "position=value", in order, read from {@code json} split into single bytes */
    private static List<String> members(String json) {
        List<String> seen = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(SlicedInputStream.oneByteAtATime(json.getBytes(UTF_8)))) {
            p.nextToken();
            for (int m = NAMES.next(p); m >= 0; m = NAMES.next(p)) {
                seen.add(m + "=" + JsonScalars.string(p) + " (" + p.currentName() + ")");
            }
        }
        return seen;
    }

    @Test
    void matchesListedNamesAndSkipsTheRest() {
        String json = "{\"x\":{\"content\":\"nested\",\"y\":[1,{\"a\":2}]},\"a\":1,\"con\\u0074ent\":\"escaped\","
                + "\"system_fingerprint\":\"b1\",\"other\":null,\"a_name_longer_than_sixteen\":true,\"é\":\"ü\"}";

        assertThat(members(json)).containsExactly("0=1 (a)", "1=escaped (content)", "2=b1 (system_fingerprint)",
                "3=true (a_name_longer_than_sixteen)");
        assertThat(members("{}")).isEmpty();
        assertThat(NAMES.size()).isEqualTo(4);
    }

    @Test
    void readsWholeLinesFromTheStreamsBufferAsFast() {
        // In a full buffer the parser matches names four bytes at a time; split input takes the slow path above.
        try (JsonParser p = MAPPER.createParser("{\"y\":0,\"content\":\"a\",\"a_name_longer_than_sixteen\":\"b\"}                ")) {
            p.nextToken();
            assertThat(NAMES.next(p)).isEqualTo(1);
            assertThat(p.getString()).isEqualTo("a");
            assertThat(NAMES.next(p)).isEqualTo(3);
            assertThat(p.getString()).isEqualTo("b");
            assertThat(NAMES.next(p)).isEqualTo(-1);
        }
    }

    @Test
    void refusesToReadMembersOutsideAnObjectAndNamesListedTwice() {
        try (JsonParser p = MAPPER.createParser("[1]")) {
            p.nextToken();
            assertThatThrownBy(() -> NAMES.next(p)).isInstanceOf(StreamReadException.class)
                    .hasMessageContaining("expected a member of an object");
        }
        assertThatThrownBy(() -> JsonNames.of("a", "b", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' is listed twice");
    }
}
