package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token terminals, the newer llama.cpp dialect ({@code <[id]>}, {@code !<[id]>}, {@code <text>};
 * llama-server b10470 takes them, fixture 25-ERR-chat-bad-grammar.http's notes): accepted only when
 * asked for, checked as llama.cpp's {@code parse_token} reads them.
 */
class GbnfTokenTerminalsTest {

    @ParameterizedTest
    @ValueSource(strings = {"root ::= <[403]> \"x\"", "root ::= !<[403]> \"x\"", "root ::= <[1000]> !<[1001]>* <[1001]>",
        "root ::= <|im_end|> | \"no\"", "root ::= (<think> [^<]* </think>)? \"a\"", "root ::= x\nx ::= <[0]>+"})
    void tokenTerminalsAreAcceptedInTheNewerDialectOnly(String gbnf) {
        assertThatCode(() -> GbnfValidator.validate(gbnf, true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> GbnfValidator.validate(gbnf)).isInstanceOf(GbnfValidator.GbnfException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "root ::= <[403] \"x\"|1|16|expected ']>'",
        "root ::= <[] \"x\"|1|12|expected a token id",
        "root ::= <[99999999999]>|1|12|too large",
        "root ::= !\"x\"|1|11|expected '<' of a token",
        "root ::= <im_end|1|10|unterminated token"})
    void malformedTokenTerminalsAreRejectedWithTheirPlace(String gbnf, int line, int column, String problem) {
        assertThatThrownBy(() -> GbnfValidator.validate(gbnf, true)).isInstanceOfSatisfying(GbnfValidator.GbnfException.class,
                e -> {
                    org.assertj.core.api.Assertions.assertThat(e.line()).isEqualTo(line);
                    org.assertj.core.api.Assertions.assertThat(e.column()).isEqualTo(column);
                    org.assertj.core.api.Assertions.assertThat(e.problem()).contains(problem);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"root ::= <[1]>*", "root ::= a\na ::= a <[1]>"})
    void theOtherChecksStillApply(String gbnf) {
        // A token consumes input, so <[1]>* can be empty (fine), but a rule starting with itself is still left-recursive.
        if (gbnf.contains("a ::= a")) {
            assertThatThrownBy(() -> GbnfValidator.validate(gbnf, true)).isInstanceOf(GbnfValidator.GbnfException.class)
                    .hasMessageContaining("left");
        } else {
            assertThatCode(() -> GbnfValidator.validate(gbnf, true)).doesNotThrowAnyException();
        }
    }
}
