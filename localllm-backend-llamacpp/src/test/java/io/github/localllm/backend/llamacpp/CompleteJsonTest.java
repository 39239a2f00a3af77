package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompleteJsonTest {
    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":[1,{\"b\":\"}\"}]} ", "\"a\\\"b\"", "[\"[\"]", "true", "null "})
    void finishedJson(String text) {
        assertThat(CompleteJson.of(text)).isEqualTo(CompleteJson.State.COMPLETE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{", "{\"a\":", "[1,", "\"abc", "\"a\\\"", "{\"a\":\"}\"", "tr", "-"})
    void jsonCutShort(String text) {
        assertThat(CompleteJson.of(text)).isEqualTo(CompleteJson.State.CUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "-3.5 ", "1e7"})
    void aTopLevelNumberCouldHaveGoneOn(String text) {
        assertThat(CompleteJson.of(text)).isEqualTo(CompleteJson.State.OPEN);
    }
}
