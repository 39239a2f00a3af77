package io.github.localllm.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON building blocks every converted grammar shares, and the encoding of decoded string
 * characters into the JSON text a model must write for them.
 *
 * <p>Whitespace is limited ({@code space}: nothing, one blank, or a line break and a short
 * indent), as an unlimited run would let a weak model fill its token budget with blanks.
 */
final class JsonGrammar {
    static final CodePointSet CONTROL = CodePointSet.range(0, 0x1F);
    static final CodePointSet NEEDS_ESCAPE = CONTROL.union(CodePointSet.of("\"\\"));
    static final CodePointSet DIGIT = CodePointSet.range('0', '9');
    static final CodePointSet HEX = DIGIT.union(CodePointSet.range('a', 'f')).union(CodePointSet.range('A', 'F'));

    static final Expr SPACE = Expr.ref("space");
    static final Expr CHAR = Expr.ref("char");
    static final Expr VALUE = Expr.ref("value");
    static final Expr QUOTE = Expr.lit("\"");

    private final GrammarBuilder rules;

    JsonGrammar(GrammarBuilder rules) {
        this.rules = rules;
    }

    /** Defines the shared rules; they are dropped again from a grammar that never uses them. */
    void defineShared() {
        rules.define(rules.reserve("space", "whitespace"), Expr.optional(Expr.alt(Expr.lit(" "),
                Expr.seq(Expr.repeat(Expr.lit("\n"), 1, 2), Expr.repeat(Expr.chars(CodePointSet.of(" \t")), 0, 20)))));
        rules.define(rules.reserve("char", "a string character"), Expr.alt(
                Expr.chars(NEEDS_ESCAPE.complement()),
                Expr.seq(Expr.lit("\\"), Expr.alt(Expr.chars(CodePointSet.of("\"\\/bfnrt")),
                        Expr.seq(Expr.lit("u"), Expr.repeat(Expr.chars(HEX), 4, 4))))));
        rules.define(rules.reserve("string", "a string"), Expr.seq(QUOTE, Expr.repeat(CHAR, 0, Expr.Repeat.UNBOUNDED),
                QUOTE, SPACE));
        rules.define(rules.reserve("integral", "an integer"), integral(1, IntegerRanges.MAX_DIGITS));
        rules.define(rules.reserve("integer", "an integer"), Expr.seq(Expr.optional(Expr.lit("-")),
                Expr.ref("integral"), SPACE));
        rules.define(rules.reserve("fraction", "a fraction"),
                Expr.seq(Expr.lit("."), Expr.repeat(Expr.chars(DIGIT), 1, 16)));
        rules.define(rules.reserve("exponent", "an exponent"), Expr.seq(Expr.chars(CodePointSet.of("eE")),
                Expr.optional(Expr.chars(CodePointSet.of("+-"))), Expr.repeat(Expr.chars(DIGIT), 1, 3)));
        rules.define(rules.reserve("number", "a number"), Expr.seq(Expr.optional(Expr.lit("-")),
                Expr.ref("integral"), Expr.optional(Expr.ref("fraction")), Expr.optional(Expr.ref("exponent")), SPACE));
        rules.define(rules.reserve("boolean", "a boolean"), Expr.seq(Expr.alt(Expr.lit("true"), Expr.lit("false")),
                SPACE));
        rules.define(rules.reserve("null", "null"), Expr.seq(Expr.lit("null"), SPACE));
        rules.define(rules.reserve("value", "any value"), Expr.alt(Expr.ref("object"), Expr.ref("array"),
                Expr.ref("string"), Expr.ref("number"), Expr.ref("boolean"), Expr.ref("null")));
        Expr member = Expr.seq(Expr.ref("string"), Expr.lit(":"), SPACE, VALUE);
        rules.define(rules.reserve("object", "an object"), Expr.seq(Expr.lit("{"), SPACE,
                Expr.optional(Expr.seq(member, Expr.repeat(Expr.seq(Expr.lit(","), SPACE, member), 0,
                        Expr.Repeat.UNBOUNDED))), Expr.lit("}"), SPACE));
        rules.define(rules.reserve("array", "an array"), Expr.seq(Expr.lit("["), SPACE,
                Expr.optional(Expr.seq(VALUE, Expr.repeat(Expr.seq(Expr.lit(","), SPACE, VALUE), 0,
                        Expr.Repeat.UNBOUNDED))), Expr.lit("]"), SPACE));
    }

    /** Digits without a sign or leading zeros, between {@code minDigits} and {@code maxDigits} long. */
    static Expr integral(int minDigits, int maxDigits) {
        List<Expr> options = new ArrayList<>();
        if (minDigits <= 1) {
            options.add(Expr.lit("0"));
        }
        options.add(Expr.seq(Expr.chars(CodePointSet.range('1', '9')),
                Expr.repeat(Expr.chars(DIGIT), Math.max(0, minDigits - 1), maxDigits - 1)));
        return Expr.alt(options);
    }

    /** @return the JSON text of one decoded string character */
    static Expr encode(int cp) {
        String escape = escaped(cp);
        // Writers differ in the case of the hex digits of an escape; accept both.
        return escape.startsWith("\\u") ? Expr.alt(Expr.lit(escape), Expr.lit(escape.toUpperCase(Locale.ROOT)
                .replace("\\U", "\\u"))) : Expr.lit(escape);
    }

    /** @return the escape sequence JSON writers use for a character, or the character itself */
    static String escaped(int cp) {
        switch (cp) {
            case '"':
                return "\\\"";
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\b':
                return "\\b";
            case '\f':
                return "\\f";
            default:
                return cp < 0x20 ? String.format("\\u%04x", cp) : Character.toString(cp);
        }
    }

    /** @return the JSON text of any one decoded character of the set */
    static Expr encode(CodePointSet set) {
        List<Expr> options = new ArrayList<>();
        CodePointSet plain = set.minus(NEEDS_ESCAPE);
        if (!plain.isEmpty()) {
            options.add(Expr.chars(plain));
        }
        CodePointSet special = set.intersect(NEEDS_ESCAPE);
        for (int r = 0; r < special.ranges(); r++) {
            for (int cp = special.from(r); cp <= special.to(r); cp++) {
                options.add(encode(cp));
            }
        }
        return Expr.alt(options);
    }

    /** @return the JSON text of a decoded string */
    static Expr encode(String decoded) {
        StringBuilder s = new StringBuilder();
        decoded.codePoints().forEach(cp -> s.append(escaped(cp)));
        return Expr.lit(s.toString());
    }
}
