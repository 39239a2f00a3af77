package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GbnfRecognizerTest {

    /** RFC 8259 JSON, deliberately ambiguous around whitespace ({@code ws ws} meets in several places). */
    static final String JSON = """
            root   ::= ws value ws
            value  ::= object | array | string | number | "true" | "false" | "null"
            object ::= "{" ws ( member ( ws "," ws member )* ws )? "}"
            member ::= string ws ":" ws value
            array  ::= "[" ws ( value ( ws "," ws value )* ws )? "]"
            string ::= "\\"" char* "\\""
            char   ::= [^"\\\\\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )
            number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
            ws     ::= [ \\t\\n\\r]*
            """;

    /** In the style of llama.cpp's JSON-Schema converter: one rule per property, bounded repetitions. */
    static final String PERSON = """
            root ::= "{" space name-kv "," space age-kv "," space tags-kv ( "," space address-kv )? ( "," space meta-kv )? "}" space
            name-kv ::= "\\"name\\"" space ":" space name
            name ::= "\\"" char{1,100} "\\"" space
            age-kv ::= "\\"age\\"" space ":" space age
            age ::= ("-"? ([0] | [1-9] [0-9]{0,15})) space
            tags-kv ::= "\\"tags\\"" space ":" space tags
            tags ::= "[" space (string ("," space string)*)? "]" space
            address-kv ::= "\\"address\\"" space ":" space address
            address ::= "{" space street-kv "," space city-kv ( "," space zip-kv )? "}" space
            street-kv ::= "\\"street\\"" space ":" space string
            city-kv ::= "\\"city\\"" space ":" space string
            zip-kv ::= "\\"zip\\"" space ":" space zip
            zip ::= "\\"" [0-9]{5} "\\"" space
            meta-kv ::= "\\"meta\\"" space ":" space value
            string ::= "\\"" char* "\\"" space
            char ::= [^"\\\\\\x7F\\x00-\\x1F] | [\\\\] (["\\\\bfnrt] | "u" [0-9a-fA-F]{4})
            value ::= object | array | string | number | boolean | null
            object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
            array ::= "[" space ( value ("," space value)* )? "]" space
            number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,16})? space
            boolean ::= ("true" | "false") space
            null ::= "null" space
            space ::= | " " | "\\n" [ \\t]{0,20}
            """;

    private static GbnfRecognizer g(String gbnf) {
        return GbnfRecognizer.parse(gbnf);
    }

    @Test
    void literalsMatchExactly() {
        GbnfRecognizer r = g("root ::= \"abc\"");
        assertThat(r.accepts("abc")).isTrue();
        assertThat(r.accepts("ab")).isFalse();
        assertThat(r.accepts("abcd")).isFalse();
        assertThat(r.accepts("")).isFalse();
        assertThat(g("root ::= \"ab\" \"\" \"c\"").accepts("abc")).isTrue();
    }

    @Test
    void characterClassesRangesAndNegation() {
        GbnfRecognizer r = g("root ::= [a-cx] [^0-9] [-] [a-]");
        assertThat(r.accepts("ax--")).isTrue();
        assertThat(r.accepts("xé-a")).isTrue();
        assertThat(r.accepts("dx--")).isFalse();
        assertThat(r.accepts("a5--")).isFalse();
        assertThat(r.accepts("ax-b")).isFalse();
        assertThat(g("root ::= []").accepts("a")).isFalse();
        assertThat(g("root ::= [^]").accepts("a")).isTrue();
        assertThat(g("root ::= [^\"\\\\]").accepts("\"")).isFalse();
        assertThat(g("root ::= [^\"\\\\]").accepts("\\")).isFalse();
        assertThat(g("root ::= [^\"\\\\]").accepts("q")).isTrue();
    }

    @Test
    void escapesInLiteralsAndClasses() {
        assertThat(g("root ::= \"\\x41\\u00e9\\\"\\\\\"").accepts("Aé\"\\")).isTrue();
        assertThat(g("root ::= \"\\t\\r\\n\\[\\]\"").accepts("\t\r\n[]")).isTrue();
        assertThat(g("root ::= \"\\U0001F600\"").accepts("\uD83D\uDE00")).isTrue();
        assertThat(g("root ::= [\\x41-\\x43\\]\\[]+").accepts("AB][C")).isTrue();
        assertThat(g("root ::= [\\x41-\\x43]").accepts("D")).isFalse();
        assertThat(g("root ::= [\\u00e0-\\u00ff]").accepts("é")).isTrue();
        assertThat(g("root ::= [\\u00e0-\\u00ff]").accepts("e")).isFalse();
        // literal characters, not escapes, are taken as they are
        assertThat(g("root ::= \"é#|(\"").accepts("é#|(")).isTrue();
    }

    @Test
    void dotMatchesAnySingleCodePoint() {
        GbnfRecognizer r = g("root ::= . \"-\" .");
        assertThat(r.accepts("a-\n")).isTrue();
        assertThat(r.accepts("\u0000-\u00ff")).isTrue();
        assertThat(r.accepts("ab-c")).isFalse();
        assertThat(r.accepts("-a")).isFalse();
    }

    @Test
    void nonBmpCodePointsAreSingleCharacters() {
        String grin = "\uD83D\uDE00"; // U+1F600
        String rocket = "\uD83D\uDE80"; // U+1F680, outside the emoticon block
        assertThat(g("root ::= .").accepts(grin)).isTrue();
        assertThat(g("root ::= . .").accepts(grin)).isFalse();
        GbnfRecognizer emoticons = g("root ::= [\\U0001F600-\\U0001F64F]+");
        assertThat(emoticons.accepts(grin + "\uD83D\uDE4F")).isTrue();
        assertThat(emoticons.accepts(rocket)).isFalse();
        assertThat(emoticons.accepts("a")).isFalse();
        assertThat(g("root ::= [^a]").accepts(rocket)).isTrue();
        assertThat(g("root ::= \"" + grin + "\" [" + grin + "-" + rocket + "]").accepts(grin + "\uD83D\uDE10")).isTrue();
        assertThat(g("root ::= [a-z]{2}").accepts(grin)).isFalse();
    }

    @Test
    void starPlusAndOptional() {
        GbnfRecognizer star = g("root ::= \"a\"* \"b\"");
        assertThat(star.accepts("b")).isTrue();
        assertThat(star.accepts("aaab")).isTrue();
        assertThat(star.accepts("aaa")).isFalse();
        GbnfRecognizer plus = g("root ::= \"a\"+");
        assertThat(plus.accepts("")).isFalse();
        assertThat(plus.accepts("a")).isTrue();
        assertThat(plus.accepts("aaaa")).isTrue();
        GbnfRecognizer optional = g("root ::= \"x\" \"a\"? \"y\"");
        assertThat(optional.accepts("xy")).isTrue();
        assertThat(optional.accepts("xay")).isTrue();
        assertThat(optional.accepts("xaay")).isFalse();
    }

    @Test
    void countedRepetitions() {
        GbnfRecognizer exact = g("root ::= [0-9]{3}");
        assertThat(exact.accepts("123")).isTrue();
        assertThat(exact.accepts("12")).isFalse();
        assertThat(exact.accepts("1234")).isFalse();

        GbnfRecognizer atLeast = g("root ::= \"a\"{2,}");
        assertThat(atLeast.accepts("a")).isFalse();
        assertThat(atLeast.accepts("aa")).isTrue();
        assertThat(atLeast.accepts("a".repeat(50))).isTrue();

        GbnfRecognizer between = g("root ::= \"a\"{2,4}");
        assertThat(between.accepts("a")).isFalse();
        assertThat(between.accepts("aa")).isTrue();
        assertThat(between.accepts("aaaa")).isTrue();
        assertThat(between.accepts("aaaaa")).isFalse();

        GbnfRecognizer atMost = g("root ::= \"a\"{,2} \"b\"");
        assertThat(atMost.accepts("b")).isTrue();
        assertThat(atMost.accepts("aab")).isTrue();
        assertThat(atMost.accepts("aaab")).isFalse();

        GbnfRecognizer none = g("root ::= \"x\" \"a\"{0,0} \"y\"");
        assertThat(none.accepts("xy")).isTrue();
        assertThat(none.accepts("xay")).isFalse();
        assertThat(g("root ::= \"a\"{0}").accepts("")).isTrue();
        assertThat(g("root ::= \"a\"{0}").accepts("a")).isFalse();

        assertThat(g("root ::= \"a\" { 1 , 2 }").accepts("aa")).isTrue();
    }

    @Test
    void repetitionAppliesToTheWholeLastItemAsInLlamaCpp() {
        // a literal is one item
        GbnfRecognizer literal = g("root ::= \"ab\"{2}");
        assertThat(literal.accepts("abab")).isTrue();
        assertThat(literal.accepts("abb")).isFalse();
        // after x{2} the item is x x, so x{2}* is (x x)*
        GbnfRecognizer twice = g("root ::= \"a\"{2}*");
        assertThat(twice.accepts("")).isTrue();
        assertThat(twice.accepts("aaaa")).isTrue();
        assertThat(twice.accepts("aaa")).isFalse();
        // x*? is (x*)?
        assertThat(g("root ::= \"a\"*?").accepts("aaa")).isTrue();
    }

    @Test
    void boundedRepetitionIsNotExpandedAndIsExact() {
        GbnfRecognizer r = g("root ::= [a-z]{0,1000}");
        assertThat(r.accepts("")).isTrue();
        assertThat(r.accepts("q".repeat(1000))).isTrue();
        assertThat(r.accepts("q".repeat(1001))).isFalse();
        assertThat(r.accepts("q".repeat(999) + "Q")).isFalse();

        GbnfRecognizer groups = g("root ::= (\"a\" [b-c]){1000} \"!\"");
        assertThat(groups.accepts("ab".repeat(500) + "ac".repeat(500) + "!")).isTrue();
        assertThat(groups.accepts("ab".repeat(999) + "!")).isFalse();
        assertThat(groups.accepts("ab".repeat(1001) + "!")).isFalse();

        GbnfRecognizer huge = g("root ::= \"a\"{0,1000000000} \"b\"{3,}");
        assertThat(huge.accepts("a".repeat(3000) + "bbb")).isTrue();
        assertThat(huge.accepts("a".repeat(3000) + "bb")).isFalse();
    }

    @Test
    void nestedGroupsAndAlternation() {
        GbnfRecognizer r = g("root ::= (\"a\" (\"b\" | \"c\" (\"d\" | \"e\")+) | \"f\")+ \"!\"");
        assertThat(r.accepts("ab!")).isTrue();
        assertThat(r.accepts("acdede!")).isTrue();
        assertThat(r.accepts("fabacef!")).isTrue();
        assertThat(r.accepts("ac!")).isFalse();
        assertThat(r.accepts("!")).isFalse();
        assertThat(r.accepts("abf")).isFalse();

        GbnfRecognizer alternatives = g("root ::= \"cat\" | \"dog\" | \"\"");
        assertThat(alternatives.accepts("cat")).isTrue();
        assertThat(alternatives.accepts("dog")).isTrue();
        assertThat(alternatives.accepts("")).isTrue();
        assertThat(alternatives.accepts("catdog")).isFalse();
    }

    @Test
    void rulesSpanLinesOnlyAfterBarOrInsideParenthesesAndCommentsAreIgnored() {
        GbnfRecognizer r = g("""
                # leading comment
                root ::= greeting (   # a comment inside a group
                    " " name
                  )? |
                  "bye"   # after an alternative

                greeting ::=
                  "hi" | "hello"
                name ::= [A-Z] [a-z]*
                """);
        assertThat(r.accepts("hi")).isTrue();
        assertThat(r.accepts("hello Ann")).isTrue();
        assertThat(r.accepts("bye")).isTrue();
        assertThat(r.accepts("hi ann")).isFalse();
        assertThat(g("root ::= \"a\"\r\nx ::= \"b\"\r\n").accepts("a")).isTrue();
    }

    @Test
    void recursiveBalancedParenthesesAgreeWithACounter() {
        GbnfRecognizer r = g("""
                root ::= item*
                item ::= "(" root ")"
                """);
        for (int length = 0; length <= 12; length++) {
            for (int bits = 0; bits < 1 << length; bits++) {
                StringBuilder text = new StringBuilder();
                int depth = 0;
                boolean balanced = true;
                for (int i = 0; i < length; i++) {
                    boolean open = (bits >> i & 1) == 0;
                    text.append(open ? '(' : ')');
                    depth += open ? 1 : -1;
                    balanced &= depth >= 0;
                }
                balanced &= depth == 0;
                assertThat(r.accepts(text.toString())).as("%s", text).isEqualTo(balanced);
            }
        }
        String deep = "(".repeat(2000) + ")".repeat(2000);
        assertThat(r.accepts(deep)).isTrue();
        assertThat(r.accepts(deep + ")")).isFalse();
    }

    @Test
    void jsonGrammarAcceptsJsonAndRejectsTheRest() {
        GbnfRecognizer r = g(JSON);
        for (String ok : List.of("{}", "[]", " 0 ", "-0.5e+10", "\"\"", "true", "null",
                "{\"a\": [1, 2.5, {\"b\": null}], \"c\": \"x\\u00e9\\n\\\"\"}",
                "[ [ [ ] ] , { } ]", "\"\uD83D\uDE00\"", "\n\t[1\r\n,2]\n")) {
            assertThat(r.accepts(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "{", "[1,]", "01", "1.", ".5", "+1", "{\"a\" 1}", "{a:1}", "\"\\x\"",
                "\"\\u12\"", "[1 2]", "\"a\tb\"", "nul", "true false", "{\"a\":1,}", "'a'")) {
            assertThat(r.accepts(bad)).as(bad).isFalse();
        }
        String nested = "[".repeat(300) + "{\"k\":[1,2,3]}" + "]".repeat(300);
        assertThat(r.accepts(nested)).isTrue();
        assertThat(r.accepts(nested.substring(1))).isFalse();
    }

    /** Jackson is a strict RFC 8259 parser, so it is the oracle for mutations of valid documents. */
    @Test
    void jsonGrammarAgreesWithJacksonOnMutatedDocuments() {
        GbnfRecognizer r = g(JSON);
        JsonMapper mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        List<String> seeds = List.of(
                "{\"name\": \"Ann\", \"age\": 42, \"tags\": [\"a\", \"b\\n\"], \"x\": null}",
                "[1, -2.5e-3, true, false, {\"k\": [[], {}]}]",
                "\"\\u00e9\\\\ \\/ \\\" \"",
                " {\"a\":{\"b\":{\"c\":[0, 10, 1E5]}}} ");
        String alphabet = "{}[]\",:0123456789-+.eEtrufalsn \t\n\r\\u/aX\u0001é";
        Random random = new Random(42);
        int checked = 0;
        int accepted = 0;
        for (String seed : seeds) {
            assertThat(r.accepts(seed)).as(seed).isTrue();
            for (int n = 0; n < 1500; n++) {
                StringBuilder text = new StringBuilder(seed);
                int edits = 1 + random.nextInt(2);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(text.length() + 1);
                    char c = alphabet.charAt(random.nextInt(alphabet.length()));
                    switch (random.nextInt(3)) {
                        case 0 -> text.insert(at, c);
                        case 1 -> {
                            if (at < text.length()) {
                                text.deleteCharAt(at);
                            }
                        }
                        default -> {
                            if (at < text.length()) {
                                text.setCharAt(at, c);
                            }
                        }
                    }
                }
                String candidate = text.toString();
                boolean valid = jacksonAccepts(mapper, candidate);
                assertThat(r.accepts(candidate)).as("%s", candidate).isEqualTo(valid);
                checked++;
                accepted += valid ? 1 : 0;
            }
        }
        // both outcomes must be well represented for the comparison to mean something
        assertThat(accepted).isBetween(checked / 20, checked - checked / 20);
    }

    private static boolean jacksonAccepts(JsonMapper mapper, String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && !node.isMissingNode();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void ambiguousGrammarsRunInPolynomialTime() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            GbnfRecognizer pieces = g("root ::= (\"a\" | \"aa\")*");
            assertThat(pieces.accepts("a".repeat(40))).isTrue();
            assertThat(pieces.accepts("a".repeat(40) + "b")).isFalse();
            assertThat(pieces.accepts("a".repeat(400))).isTrue();

            // exponential for a backtracking matcher: (a*)* b on a^n
            GbnfRecognizer nestedStars = g("root ::= (\"a\"*)* \"b\"");
            assertThat(nestedStars.accepts("a".repeat(500))).isFalse();
            assertThat(nestedStars.accepts("a".repeat(500) + "b")).isTrue();

            // a run of n ones has exponentially many parses as x*
            GbnfRecognizer sums = g("""
                    root ::= term ("+" term)*
                    term ::= x*
                    x ::= "1" | "1" "1" | "" | y
                    y ::= x x
                    """);
            assertThat(sums.accepts("1".repeat(150) + "+" + "1".repeat(6))).isTrue();
            assertThat(sums.accepts("+".repeat(80))).isTrue();
            assertThat(sums.accepts("1".repeat(150) + "+1+" + "1".repeat(10) + "x")).isFalse();
        });
    }

    @Test
    void nullableRulesAndTheEmptyString() {
        GbnfRecognizer r = g("""
                root ::= a b a "x" b
                a ::= "" | "a"
                b ::= a a | c*
                c ::= a? "c"?
                """);
        assertThat(r.accepts("x")).isTrue();
        assertThat(r.accepts("aaax")).isTrue();
        assertThat(r.accepts("ccax" + "aa")).isTrue();
        assertThat(r.accepts("xccccacac")).isTrue();
        assertThat(r.accepts("")).isFalse();
        assertThat(r.accepts("xb")).isFalse();

        assertThat(g("root ::=").accepts("")).isTrue();
        assertThat(g("root ::=").accepts("a")).isFalse();
        assertThat(g("root ::= ()").accepts("")).isTrue();
        assertThat(g("root ::= e e\ne ::= f?\nf ::= \"f\"*").accepts("")).isTrue();
        assertThat(g("root ::= e e\ne ::= f?\nf ::= \"f\"*").accepts("fff")).isTrue();
        // the minimum of a repetition of a nullable item is met by empty matches
        GbnfRecognizer nullableItem = g("root ::= (\"a\"?){3,5} \"b\"");
        assertThat(nullableItem.accepts("b")).isTrue();
        assertThat(nullableItem.accepts("aaaaab")).isTrue();
        assertThat(nullableItem.accepts("aaaaaab")).isFalse();
        // and a repetition of a nullable rule is unaffected by how often that rule matched nothing
        GbnfRecognizer nullableRule = g("root ::= opt{2} \"!\"\nopt ::= \"o\" | \"\"");
        assertThat(nullableRule.accepts("!")).isTrue();
        assertThat(nullableRule.accepts("oo!")).isTrue();
        assertThat(nullableRule.accepts("ooo!")).isFalse();
    }

    @Test
    void leftRecursionIsHandledEvenThoughLlamaCppRejectsIt() {
        GbnfRecognizer r = g("root ::= root \"+\" n | n\nn ::= [0-9]+");
        assertThat(r.accepts("1+22+333")).isTrue();
        assertThat(r.accepts("1++2")).isFalse();
    }

    /** Random regular grammars against java.util.regex on every string over {a,b,c} up to length 5. */
    @Test
    void agreesWithJavaRegexOnRandomRegularGrammars() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        texts.add("");
        for (int length = 1; length <= 5; length++) {
            int total = (int) Math.pow(3, length);
            for (int n = 0; n < total; n++) {
                StringBuilder s = new StringBuilder();
                for (int i = 0, v = n; i < length; i++, v /= 3) {
                    s.append((char) ('a' + v % 3));
                }
                texts.add(s.toString());
            }
        }
        for (int grammar = 0; grammar < 300; grammar++) {
            List<String[]> helpers = new ArrayList<>();
            StringBuilder gbnf = new StringBuilder();
            for (int h = 0; h < random.nextInt(3); h++) {
                String[] body = randomExpression(random, 2, helpers);
                gbnf.append("h").append(h).append(" ::= ").append(body[0]).append('\n');
                helpers.add(new String[] {"h" + h, body[1]});
            }
            String[] root = randomExpression(random, 3, helpers);
            gbnf.append("root ::= ").append(root[0]).append('\n');
            GbnfRecognizer r = g(gbnf.toString());
            Pattern regex = Pattern.compile(root[1], Pattern.DOTALL);
            for (String text : texts) {
                assertThat(r.accepts(text)).as("%s on '%s' (regex %s)", gbnf, text, regex)
                        .isEqualTo(regex.matcher(text).matches());
            }
        }
    }

    /** @return {gbnf, regex} for the same language */
    private static String[] randomExpression(Random random, int depth, List<String[]> helpers) {
        int choice = random.nextInt(depth == 0 ? 4 : 8);
        switch (choice) {
            case 0: {
                StringBuilder s = new StringBuilder();
                for (int i = random.nextInt(3); i > 0; i--) {
                    s.append((char) ('a' + random.nextInt(3)));
                }
                return new String[] {"\"" + s + "\"", s.length() == 0 ? "(?:)" : "(?:" + s + ")"};
            }
            case 1: {
                String[] classes = {"[ab]", "[^a]", "[a-b]", "[c-c]", "."};
                String c = classes[random.nextInt(classes.length)];
                return new String[] {c, c};
            }
            case 2:
                if (!helpers.isEmpty()) {
                    String[] h = helpers.get(random.nextInt(helpers.size()));
                    return new String[] {h[0], "(?:" + h[1] + ")"};
                }
                return new String[] {"\"a\"", "a"};
            case 3:
                return new String[] {"\"b\"", "b"};
            case 4:
            case 5: {
                String[] x = randomExpression(random, depth - 1, helpers);
                String[] y = randomExpression(random, depth - 1, helpers);
                return new String[] {"(" + x[0] + " " + y[0] + ")", "(?:" + x[1] + y[1] + ")"};
            }
            case 6: {
                String[] x = randomExpression(random, depth - 1, helpers);
                String[] y = random.nextInt(4) == 0 ? new String[] {"", ""} : randomExpression(random, depth - 1,
                        helpers);
                return new String[] {"(" + x[0] + " | " + y[0] + ")", "(?:" + x[1] + "|" + y[1] + ")"};
            }
            default: {
                String[] x = randomExpression(random, depth - 1, helpers);
                int m = random.nextInt(3);
                int n = m + random.nextInt(3);
                String[][] quantifiers = {{"*", "*"}, {"+", "+"}, {"?", "?"}, {"{" + m + "}", "{" + m + "}"},
                    {"{" + m + ",}", "{" + m + ",}"}, {"{" + m + "," + n + "}", "{" + m + "," + n + "}"},
                    {"{," + n + "}", "{0," + n + "}"}};
                String[] q = quantifiers[random.nextInt(quantifiers.length)];
                // a non-empty literal or class needs no parentheses, which exercises "ab"* as (ab)*
                boolean bare = x[0].matches("\"[abc]+\"|\\[[^\\]]*\\]|\\.");
                String item = bare ? x[0] : "(" + x[0] + ")";
                return new String[] {item + q[0], "(?:" + x[1] + ")" + q[1]};
            }
        }
    }

    @Test
    void converterStyleGrammarIsFast() {
        GbnfRecognizer r = g(PERSON);
        List<String> texts = List.of(
                "{\"name\": \"Ann Smith\", \"age\": 42, \"tags\": [\"admin\", \"x\\u00e9\"], \"address\": "
                        + "{\"street\": \"Main St 1\", \"city\": \"Oslo\"}}",
                "{\"name\":\"Bob\",\"age\":-7,\"tags\":[],\"meta\":{\"k\":[1,2.5e3,true,null,\"v\"],\"z\":{}}}",
                "{\"name\": \"Carol\", \"age\": 30, \"tags\": [\"a\", \"b\", \"c\"], \"address\": {\"street\": "
                        + "\"x\", \"city\": \"y\", \"zip\": \"12345\"}}",
                "{\"name\": \"Dan\", \"age\": 007, \"tags\": [\"a\"], \"address\": {\"street\": \"x\", \"city\": "
                        + "\"y\"}, \"meta\": null}",
                "{\"name\": \"\", \"age\": 1, \"tags\": [\"this one is invalid because the name is empty\"]}");
        boolean[] expected = {true, true, true, false, false};
        for (int i = 0; i < texts.size(); i++) {
            assertThat(r.accepts(texts.get(i))).as(texts.get(i)).isEqualTo(expected[i]);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            long start = System.nanoTime();
            int accepted = 0;
            for (int i = 0; i < 10_000; i++) {
                accepted += r.accepts(texts.get(i % texts.size())) ? 1 : 0;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("GbnfRecognizer: 10,000 accepts on a converter-style grammar took " + millis + " ms");
            assertThat(accepted).isEqualTo(6_000);
        });
    }

    @Test
    void rejectsUndefinedRulesAndAMissingRoot() {
        assertThatThrownBy(() -> g("root ::= \"a\" value"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 1, column 14: undefined rule 'value'");
        assertThatThrownBy(() -> g("start ::= \"a\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'root' rule");
        assertThatThrownBy(() -> g(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'root' rule");
        assertThatThrownBy(() -> g("root ::= \"a\"\nroot ::= \"b\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 2, column 1: rule 'root' is already defined at line 1, column 1");
    }

    @Test
    void rejectsTokenSyntax() {
        assertThatThrownBy(() -> g("root ::= <think> \"a\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 1, column 10: token syntax <...> is not supported");
        assertThatThrownBy(() -> g("root ::= !<[1000]>*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token syntax");
        assertThatThrownBy(() -> g("root ::= \"a\"\n<[12]> ::= \"b\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2, column 1")
                .hasMessageContaining("token syntax");
    }

    @Test
    void reportsSyntaxErrorsWithLineAndColumn() {
        assertError("root ::= \"abc", "line 1, column 10: unterminated string literal");
        assertError("root ::= \"a\"\nx ::= [a-", "line 2, column 7: unterminated character class");
        assertError("root ::= (\"a\"", "line 1, column 14: expected ')' to close the '(' at line 1, column 10");
        assertError("root ::= \"a\" )", "line 1, column 14: expected the end of the line");
        assertError("root ::= *", "line 1, column 10: '*' has nothing before it to repeat");
        assertError("root ::= \"\"+", "line 1, column 12: '+' has nothing before it to repeat");
        assertError("root ::= \"a\"{3,1}", "line 1, column 13: repetition {3,1} has its minimum above its maximum");
        assertError("root ::= \"a\"{x}", "line 1, column 14: expected a number after '{'");
        assertError("root ::= \"a\"{,}", "line 1, column 15: expected the maximum after '{,'");
        assertError("root ::= \"\\q\"", "line 1, column 11: unknown escape '\\q'");
        assertError("root ::= \"\\x4\"", "line 1, column 11: '\\x' needs exactly 2 hex digits");
        assertError("root ::= [z-a]", "line 1, column 11: range 'z-a' is reversed");
        assertError("my_rule ::= \"a\"", "line 1, column 3: expected '::=' after 'my'");
        assertError("root ::= \"a\"\n  ::= \"b\"", "line 2, column 3: expected a rule name");
        // a rule ends at the end of its line, so the next line cannot continue it
        assertError("root ::= \"a\"\n  \"b\"", "line 2, column 3: expected a rule name");
        assertError("root ::= \"é\" \"a\" }", "line 1, column 18: expected the end of the line");
    }

    @Test
    void prefixesOfTheLanguageAreRecognizedForTextsCutOffByATokenLimit() {
        GbnfRecognizer r = g("root ::= \"{\" (\"\\\"a\\\":\" [0-9]+)? \"}\"");
        assertThat(r.acceptsPrefix("")).isTrue();
        assertThat(r.acceptsPrefix("{\"a")).isTrue();
        assertThat(r.acceptsPrefix("{\"a\":12")).isTrue();
        assertThat(r.acceptsPrefix("{\"a\":12}")).isTrue();
        assertThat(r.acceptsPrefix("{\"b")).isFalse();
        assertThat(r.acceptsPrefix("{\"a\":}")).isFalse();
        assertThat(r.acceptsPrefix("{}}")).isFalse();
        assertThat(r.accepts("{\"a\":12")).isFalse();
    }

    private static void assertError(String gbnf, String messageStart) {
        assertThatThrownBy(() -> g(gbnf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(messageStart);
    }
}
