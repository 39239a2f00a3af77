package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequenceFilterTest {
    @Test
    void aStopSequenceSplitAcrossPiecesIsNeverEmitted() {
        StopSequenceFilter filter = new StopSequenceFilter(List.of("</end>"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("Hello <", "/e", "nd> ignored")) {
            out.append(filter.accept(piece));
        }
        assertThat(filter.matched()).isTrue();
        assertThat(out).hasToString("Hello ");
        assertThat(filter.accept("more")).isEmpty();
    }

    @Test
    void aFalseStartIsReleasedOnceItCannotMatch() {
        StopSequenceFilter filter = new StopSequenceFilter(List.of("STOP"));
        assertThat(filter.accept("a ST")).isEqualTo("a ");
        assertThat(filter.accept("ART")).isEqualTo("START");
        assertThat(filter.accept("ST")).isEmpty();
        assertThat(filter.flush()).isEqualTo("ST");
        assertThat(filter.matched()).isFalse();
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopSequenceFilter filter = new StopSequenceFilter(List.of("bb", "a"));
        assertThat(filter.accept("xxbba")).isEqualTo("xx");
        assertThat(filter.matched()).isTrue();
    }
}
