package io.github.localllm.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextJoinTest {

    @Test
    void joinsPiecesInOrderAcrossBlocksWhateverTheirCharacters() {
        String[] words = {"The", " sky", "", " Кто", "\n", " 🙂", "é"};
        TextJoin join = new TextJoin();
        StringBuilder expected = new StringBuilder();
        assertThat(join.toString()).isEmpty();
        for (int i = 0; i < 1000; i++) {
            String w = words[i % words.length] + (i % 97 == 0 ? i : "");
            join.append(w);
            expected.append(w);
            if (i % 150 == 0) {
                assertThat(join.toString()).as("after %d pieces", i + 1).isEqualTo(expected.toString());
            }
        }
        assertThat(join.toString()).isEqualTo(expected.toString());
        assertThat(join.toString()).isSameAs(join.toString());
        join.append("!");
        assertThat(join.toString()).isEqualTo(expected.append("!").toString());
    }

    @Test
    void onePieceIsItsOwnText() {
        TextJoin join = new TextJoin();
        join.append("");
        join.append("only");
        assertThat(join.toString()).isEqualTo("only");
    }
}
