package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.localllm.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GbnfValidatorTest {

    /** The example grammars shipped with llama.cpp, copied unchanged apart from a licence comment. */
    @ParameterizedTest
    @ValueSource(strings = {"json", "arithmetic", "chess", "japanese", "list", "c"})
    void llamaCppExampleGrammarsAreAccepted(String name) throws IOException {
        String gbnf = resource("gbnf/" + name + ".gbnf");
        assertThatCode(() -> GbnfValidator.checkRequest(gbnf)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "root ::= (\"yes\" | \"no\")",
        "root ::= \"yes\" | \"no\"\n",
        // comments, blank lines, CRLF, a rule continued after '|', newlines inside a group
        "# answer\r\n\r\nroot ::= answer # trailing\r\nanswer ::= \"yes\" |\n   \"no\"\n",
        "root ::= (\n  \"a\"\n  | \"b\" # comment inside a group\n)\n",
        // every escape the bundled llama.cpp knows, and literal non-ASCII code points
        "root ::= \"\\x41\\u00e9\\U0001F600\\t\\r\\n\\\\\\\"\\[\\]\" \"héllo 😀\" [😀-🙏]",
        // '-' is literal first or last in a class; '^' negates; ']' and '[' escape
        "root ::= [-a] [a-] [^\"\\\\] [\\[\\]] [a-zA-Z0-9_] .",
        "root ::= \"a\"{2} \"b\"{ 1 , 3 } \"c\"{2,} \"d\"* \"e\"+ \"f\"? (\"g\" \"h\"){0,2}",
        // a nullable prefix before a recursive reference is fine once something is consumed first
        "root ::= ws \"a\" root | \"b\"\nws ::= [ ]*",
        // names may start with digits or '-'; rules may come in any order
        "root ::= 2nd -x\n2nd ::= \"2\"\n-x ::= \"x\"",
        // an empty body matches the empty string
        "root ::=",
        // llama.cpp lets a later definition silently replace an earlier one
        "root ::= \"a\"\nroot ::= \"b\"",
        // llama.cpp never sees a reference that {0} removed, if no rule id lies beyond it
        "root ::= \"a\" unused{0}"
    })
    void grammarsLlamaCppParsesAreAccepted(String gbnf) {
        assertThatCode(() -> GbnfValidator.checkRequest(gbnf)).doesNotThrowAnyException();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("missing root", "answer ::= \"yes\" | \"no\"", 1, 1, "no 'root' rule"),
                arguments("no rules at all", "# only a comment\n", 2, 1, "defines no rules"),
                arguments("undefined rule", "root ::= number\nnumber ::= digit+\n", 2, 12,
                        "undefined rule 'digit'; define it"),
                arguments("undefined rule in a group", "root ::= (\"a\" | b)", 1, 17, "undefined rule 'b'"),
                arguments("unterminated string", "root ::= \"abc\n", 1, 10, "unterminated string literal"),
                arguments("unterminated char class", "root ::= [a-z", 1, 10, "unterminated character class"),
                arguments("unterminated range", "root ::= [a-", 1, 10, "unterminated character class"),
                arguments("unknown escape", "root ::= \"a\\qb\"", 1, 12, "unknown escape '\\q'"),
                arguments("escaped hyphen, unknown to b4916", "root ::= [a\\-z]", 1, 12, "unknown escape '\\-'"),
                arguments("short hex escape", "root ::= \"\\x4\"", 1, 11, "needs exactly 2 hex digits"),
                arguments("missing ::=", "root = \"a\"", 1, 6, "expected '::=' after the rule name 'root'"),
                arguments("empty rule name", "::= \"a\"", 1, 1, "rule name before '::=' is missing"),
                arguments("underscore in a rule name", "my_rule ::= \"a\"", 1, 3, "expected '::='"),
                arguments("unclosed parenthesis", "root ::= (\"a\" \"b\"", 1, 18,
                        "expected ')' to close the '(' at line 1, column 10"),
                arguments("extra closing parenthesis", "root ::= \"a\")", 1, 13, "no '(' open here"),
                arguments("repetition minimum above maximum", "root ::= \"a\"{3,1}", 1, 13,
                        "minimum above its maximum"),
                arguments("unfinished repetition", "root ::= \"a\"{", 1, 14, "expected a number after '{'"),
                arguments("repetition without a number", "root ::= \"a\"{x}", 1, 14, "expected a number"),
                arguments("unclosed repetition", "root ::= \"a\"{1,2", 1, 17, "expected '}'"),
                arguments("repetition of nothing", "root ::= *", 1, 10, "nothing before it to repeat"),
                arguments("repetition of what {0} removed", "root ::= \"a\"{0}*", 1, 16, "nothing before it"),
                arguments("repetition of an empty literal", "root ::= \"\"+", 1, 12, "nothing before it"),
                arguments("direct left recursion", "root ::= root \"a\"", 1, 10,
                        "rule 'root' is left-recursive (root -> root"),
                arguments("indirect left recursion", "root ::= expr\nexpr ::= term \"+\" | \"x\"\nterm ::= ws expr\n"
                        + "ws ::= | \" \"", 3, 13, "(expr -> term -> expr"),
                arguments("left recursion through a nullable repeated item", "root ::= x*\nx ::= \"a\" | ", 1, 11,
                        "left-recursive"),
                // llama.cpp's own check misses these two and then dies of a stack overflow while sampling
                arguments("left recursion behind a rule that can match nothing", "root ::= ws root \"x\" | \"b\"\n"
                        + "ws ::= [ ]*", 1, 13, "rule 'root' is left-recursive (root -> root"),
                arguments("repetition of a group that can match nothing", "root ::= (\"a\"?)*", 1, 16,
                        "left-recursive"),
                // llama.cpp accepts it, then aborts the process when nothing can be sampled
                arguments("reversed range", "root ::= [a-cz-x]", 1, 14, "range 'z-x' is reversed"),
                arguments("stray underscore", "root ::= \"a\" _b", 1, 14, "not '_'"),
                arguments("single quotes", "root ::= 'a'", 1, 10, "double quotes"),
                arguments("token syntax, newer than b4916", "root ::= <think>", 1, 10, "no <token> syntax"),
                arguments("rule continued without '|'", "root ::= \"a\"\n  \"b\"", 2, 3,
                        "only after '|' or inside parentheses"),
                arguments("two rules on one line", "root ::= a b ::= \"x\"", 1, 14, "its own line"),
                arguments("column counts code points, not UTF-16 units", "root ::= \"😀\" foo", 1, 14,
                        "undefined rule 'foo'"),
                arguments("CRLF counts as one line break", "root ::= a\r\na ::= b\r\n", 2, 7, "undefined rule 'b'"),
                arguments("expansion beyond the limit", "root ::= \"a\"{0,100000000}", 1, 13,
                        "more than 4000000 grammar elements"),
                arguments("count beyond 64 bits", "root ::= \"a\"{99999999999999999999999}", 1, 13,
                        "more than 4000000 grammar elements"),
                arguments("NUL character", "root ::= \"a\"\0 junk", 1, 13, "NUL character"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void grammarsLlamaCppRejectsAreRejectedWithLineAndColumn(String why, String gbnf, int line, int column,
            String problem) {
        assertThatThrownBy(() -> GbnfValidator.checkRequest(gbnf))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("invalid GBNF grammar at line " + line + ", column " + column + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void nestingIsBoundedWithoutOverflowingTheStack() {
        assertThatCode(() -> GbnfValidator.checkRequest(nested(GbnfValidator.MAX_NESTING))).doesNotThrowAnyException();
        assertThatThrownBy(() -> GbnfValidator.checkRequest(nested(GbnfValidator.MAX_NESTING + 1)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("invalid GBNF grammar at line 1, column 1010: parentheses are nested more than 1000 "
                        + "deep; split the grammar into named rules (checked against llama.cpp b4916's grammar parser,"
                        + " the dialect of this engine)");
        assertThatThrownBy(() -> GbnfValidator.checkRequest(nested(200_000)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("nested more than 1000 deep");
    }

    @Test
    void longRuleChainsAreCheckedWithoutRecursion() {
        StringBuilder chain = new StringBuilder("root ::= r0\n");
        for (int i = 0; i < 100_000; i++) {
            chain.append('r').append(i).append(" ::= r").append(i + 1).append('\n');
        }
        assertThatThrownBy(() -> GbnfValidator.checkRequest(chain + "r100000 ::= r0\n"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("left-recursive");
        assertThatCode(() -> GbnfValidator.checkRequest(chain + "r100000 ::= \"x\"\n")).doesNotThrowAnyException();
    }

    @Test
    void theValidatorReportsPositionAndProblemSeparately() {
        assertThatThrownBy(() -> GbnfValidator.validate("root ::= digit"))
                .isInstanceOfSatisfying(GbnfValidator.GbnfException.class, e -> {
                    assertThat(e).isInstanceOf(IllegalArgumentException.class);
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(10);
                    assertThat(e.problem())
                            .isEqualTo("undefined rule 'digit'; define it (digit ::= ...) or fix the name");
                    assertThat(e).hasMessage("line 1, column 10: " + e.problem());
                });
    }

    private static String nested(int depth) {
        return "root ::= " + "(".repeat(depth) + "\"a\"" + ")".repeat(depth);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GbnfValidatorTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
