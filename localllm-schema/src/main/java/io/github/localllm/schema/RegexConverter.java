package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a JSON Schema {@code pattern} (an ECMA-262 regular expression) into a grammar expression
 * for the JSON text of the strings it matches. Three things make this more than a transliteration:
 * the pattern matches anywhere unless anchored, so unanchored ends accept any characters; it
 * speaks of decoded characters while the model writes JSON, so a quote or backslash in the pattern
 * becomes its escape sequence; and what a grammar cannot express (lookaround, backreferences, word
 * boundaries) is refused, naming the construct, instead of being silently dropped.
 */
final class RegexConverter {
    /** Longer repetitions are loosened to "or more" and left to the validator; they would cost thousands of rules. */
    static final int MAX_REPEAT = 4096;

    static final CodePointSet WORD = CodePointSet.range('a', 'z').union(CodePointSet.range('A', 'Z'))
            .union(JsonGrammar.DIGIT).union(CodePointSet.of('_'));
    static final CodePointSet SPACE = CodePointSet.of("\t\n\u000B\f\r \u00A0\u1680\u2028\u2029\u202F\u205F\u3000\uFEFF")
            .union(CodePointSet.range(0x2000, 0x200A));
    static final CodePointSet LINE_TERMINATORS = CodePointSet.of("\n\r\u2028\u2029");

    /** @param expr the grammar of the matching strings' JSON text, quotes excluded @param exact false if loosened */
    record Result(Expr expr, boolean exact) {
    }

    private final String pattern;
    private final String path;
    private final int[] cps;
    private int pos;
    private boolean exact = true;

    private RegexConverter(String pattern, String path) {
        this.pattern = pattern;
        this.path = path;
        this.cps = pattern.codePoints().toArray();
    }

    static Result convert(String pattern, String path) {
        RegexConverter c = new RegexConverter(pattern, path);
        Expr expr = c.topLevel();
        return new Result(expr, c.exact);
    }

    private Expr topLevel() {
        List<Expr> branches = new ArrayList<>();
        while (true) {
            boolean anchoredStart = peek('^');
            if (anchoredStart) {
                pos++;
            }
            List<Expr> terms = sequence(true);
            boolean anchoredEnd = peek('$');
            if (anchoredEnd) {
                pos++;
            }
            List<Expr> parts = new ArrayList<>();
            if (!anchoredStart) {
                parts.add(Expr.repeat(JsonGrammar.CHAR, 0, Expr.Repeat.UNBOUNDED));
            }
            parts.addAll(terms);
            if (!anchoredEnd) {
                parts.add(Expr.repeat(JsonGrammar.CHAR, 0, Expr.Repeat.UNBOUNDED));
            }
            branches.add(Expr.seq(parts));
            if (pos >= cps.length) {
                break;
            }
            if (peek('|')) {
                pos++;
                continue;
            }
            if (peek(')')) {
                throw invalid("an unmatched ')'");
            }
            throw unsupported("'" + Character.toString(cps[pos]) + "' in the middle of the pattern (an anchor"
                    + " other than at the very start or end)");
        }
        return Expr.alt(branches);
    }

    /** Terms up to '|', ')', the end, or (at top level) a final '$'. */
    private List<Expr> sequence(boolean topLevel) {
        List<Expr> terms = new ArrayList<>();
        while (pos < cps.length && !peek('|') && !peek(')')) {
            if (peek('$')) {
                if (topLevel && (pos + 1 == cps.length || cps[pos + 1] == '|')) {
                    break;
                }
                throw unsupported("the anchor '$' other than at the very end");
            }
            if (peek('^')) {
                throw unsupported("the anchor '^' other than at the very start");
            }
            Expr atom = atom();
            terms.add(quantified(atom));
        }
        return terms;
    }

    private Expr quantified(Expr atom) {
        if (pos >= cps.length) {
            return atom;
        }
        int min;
        int max;
        int c = cps[pos];
        int start = pos;
        if (c == '*') {
            min = 0;
            max = Expr.Repeat.UNBOUNDED;
            pos++;
        } else if (c == '+') {
            min = 1;
            max = Expr.Repeat.UNBOUNDED;
            pos++;
        } else if (c == '?') {
            min = 0;
            max = 1;
            pos++;
        } else if (c == '{' && braceQuantifierAt(pos)) {
            pos++;
            min = number();
            max = min;
            if (peek(',')) {
                pos++;
                max = peek('}') ? Expr.Repeat.UNBOUNDED : number();
            }
            pos++; // '}'
            if (max != Expr.Repeat.UNBOUNDED && max < min) {
                throw invalid("the repetition {" + min + "," + max + "} at character " + (start + 1)
                        + " whose minimum is above its maximum");
            }
        } else {
            return atom;
        }
        if (peek('?')) {
            pos++; // lazy and greedy match the same set of strings
        }
        if (pos < cps.length && (cps[pos] == '*' || cps[pos] == '+' || cps[pos] == '?')) {
            throw invalid("a quantifier after a quantifier at character " + (pos + 1));
        }
        if (min > MAX_REPEAT) {
            min = MAX_REPEAT;
            max = Expr.Repeat.UNBOUNDED;
            exact = false;
        } else if (max > MAX_REPEAT) {
            max = Expr.Repeat.UNBOUNDED;
            exact = false;
        }
        return Expr.repeat(atom, min, max);
    }

    private boolean braceQuantifierAt(int at) {
        int p = at + 1;
        int digits = 0;
        while (p < cps.length && Character.isDigit(cps[p])) {
            p++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (p < cps.length && cps[p] == ',') {
            p++;
            while (p < cps.length && Character.isDigit(cps[p])) {
                p++;
            }
        }
        return p < cps.length && cps[p] == '}';
    }

    private int number() {
        long n = 0;
        while (pos < cps.length && Character.isDigit(cps[pos])) {
            n = Math.min(Integer.MAX_VALUE, n * 10 + (cps[pos] - '0'));
            pos++;
        }
        return (int) n;
    }

    private Expr atom() {
        int c = cps[pos];
        switch (c) {
            case '(':
                return group();
            case '[':
                return JsonGrammar.encode(charClass());
            case '.':
                pos++;
                return JsonGrammar.encode(LINE_TERMINATORS.complement());
            case '\\':
                return escapeAtom();
            case '*':
            case '+':
            case '?':
                throw invalid("nothing to repeat before '" + Character.toString(c) + "' at character " + (pos + 1));
            case '{':
                if (braceQuantifierAt(pos)) {
                    throw invalid("nothing to repeat before '{' at character " + (pos + 1));
                }
                pos++;
                return JsonGrammar.encode(c);
            default:
                pos++;
                return JsonGrammar.encode(c);
        }
    }

    private Expr group() {
        int start = pos;
        pos++;
        if (peek('?')) {
            pos++;
            if (peek(':')) {
                pos++;
            } else if (peek('=') || peek('!')) {
                throw unsupported("lookahead '(?" + Character.toString(cps[pos]) + "' at character " + (start + 1));
            } else if (peek('<') && pos + 1 < cps.length && (cps[pos + 1] == '=' || cps[pos + 1] == '!')) {
                throw unsupported("lookbehind '(?<" + Character.toString(cps[pos + 1]) + "' at character "
                        + (start + 1));
            } else if (peek('<')) {
                while (pos < cps.length && cps[pos] != '>') {
                    pos++;
                }
                if (pos >= cps.length) {
                    throw invalid("an unterminated group name at character " + (start + 1));
                }
                pos++;
            } else {
                throw invalid("an unknown group '(?' at character " + (start + 1));
            }
        }
        List<Expr> branches = new ArrayList<>();
        while (true) {
            branches.add(Expr.seq(sequence(false)));
            if (peek('|')) {
                pos++;
                continue;
            }
            break;
        }
        if (!peek(')')) {
            throw invalid("an unclosed '(' at character " + (start + 1));
        }
        pos++;
        return Expr.alt(branches);
    }

    private Expr escapeAtom() {
        int start = pos;
        pos++;
        if (pos >= cps.length) {
            throw invalid("a '\\' at the end of the pattern");
        }
        int c = cps[pos];
        if (c == 'b' || c == 'B') {
            throw unsupported("the word boundary '\\" + Character.toString(c) + "' at character " + (start + 1));
        }
        if (c >= '1' && c <= '9' || c == 'k') {
            throw unsupported("the backreference '\\" + Character.toString(c) + "' at character " + (start + 1));
        }
        CodePointSet set = escape(false);
        return JsonGrammar.encode(set);
    }

    /** Reads an escape after its backslash; @return the characters it stands for */
    private CodePointSet escape(boolean inClass) {
        int start = pos - 1;
        int c = cps[pos++];
        switch (c) {
            case 'd':
                return JsonGrammar.DIGIT;
            case 'D':
                return JsonGrammar.DIGIT.complement();
            case 'w':
                return WORD;
            case 'W':
                return WORD.complement();
            case 's':
                return SPACE;
            case 'S':
                return SPACE.complement();
            case 't':
                return CodePointSet.of('\t');
            case 'n':
                return CodePointSet.of('\n');
            case 'r':
                return CodePointSet.of('\r');
            case 'f':
                return CodePointSet.of('\f');
            case 'v':
                return CodePointSet.of(0x0B);
            case 'b':
                return CodePointSet.of('\b'); // only reached inside a class, where \b is backspace
            case '0':
                if (pos < cps.length && Character.isDigit(cps[pos])) {
                    throw unsupported("the octal escape '\\0" + Character.toString(cps[pos]) + "' at character "
                            + (start + 1));
                }
                return CodePointSet.of(0);
            case 'c':
                if (pos < cps.length && (cps[pos] >= 'a' && cps[pos] <= 'z' || cps[pos] >= 'A' && cps[pos] <= 'Z')) {
                    return CodePointSet.of(cps[pos++] % 32);
                }
                throw invalid("'\\c' without a control letter at character " + (start + 1));
            case 'x':
                return CodePointSet.of(hex(2, start));
            case 'u':
                if (peek('{')) {
                    pos++;
                    int end = pos;
                    while (end < cps.length && cps[end] != '}') {
                        end++;
                    }
                    int value = hexDigits(end - pos, start);
                    pos++; // '}'
                    return CodePointSet.of(value);
                }
                int unit = hex(4, start);
                if (Character.isHighSurrogate((char) unit) && pos + 5 < cps.length && cps[pos] == '\\'
                        && cps[pos + 1] == 'u') {
                    int save = pos;
                    pos += 2;
                    int low = hex(4, start);
                    if (Character.isLowSurrogate((char) low)) {
                        return CodePointSet.of(Character.toCodePoint((char) unit, (char) low));
                    }
                    pos = save;
                }
                return CodePointSet.of(unit);
            case 'p':
            case 'P':
                throw unsupported("the Unicode property escape '\\" + Character.toString(c) + "' at character "
                        + (start + 1));
            default:
                if (c < 0x80 && Character.isLetterOrDigit(c)) {
                    throw invalid("the unknown escape '\\" + Character.toString(c) + "' at character " + (start + 1));
                }
                return CodePointSet.of(c);
        }
    }

    private int hex(int digits, int start) {
        if (pos + digits > cps.length) {
            throw invalid("a short hexadecimal escape at character " + (start + 1));
        }
        return hexDigits(digits, start);
    }

    private int hexDigits(int digits, int start) {
        if (digits < 1 || digits > 6) {
            throw invalid("a malformed hexadecimal escape at character " + (start + 1));
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(cps[pos++], 16);
            if (d < 0) {
                throw invalid("a malformed hexadecimal escape at character " + (start + 1));
            }
            value = value * 16 + d;
        }
        if (value > CodePointSet.MAX) {
            throw invalid("an escape beyond the last Unicode code point at character " + (start + 1));
        }
        return value;
    }

    private CodePointSet charClass() {
        int start = pos;
        pos++;
        boolean negated = peek('^');
        if (negated) {
            pos++;
        }
        CodePointSet set = CodePointSet.EMPTY;
        while (true) {
            if (pos >= cps.length) {
                throw invalid("an unclosed '[' at character " + (start + 1));
            }
            if (cps[pos] == ']') {
                pos++;
                break;
            }
            CodePointSet low = classAtom();
            if (peek('-') && pos + 1 < cps.length && cps[pos + 1] != ']') {
                pos++;
                CodePointSet high = classAtom();
                if (low.single() < 0 || high.single() < 0) {
                    // ECMA (Annex B) reads [\d-z] as the three parts \d, '-' and z.
                    set = set.union(low).union(CodePointSet.of('-')).union(high);
                    continue;
                }
                if (low.single() > high.single()) {
                    throw invalid("the reversed range in the class at character " + (start + 1));
                }
                set = set.union(CodePointSet.range(low.single(), high.single()));
            } else {
                set = set.union(low);
            }
        }
        return negated ? set.complement() : set;
    }

    private CodePointSet classAtom() {
        int c = cps[pos++];
        if (c == '\\') {
            if (pos >= cps.length) {
                throw invalid("a '\\' at the end of the pattern");
            }
            if (cps[pos] == 'B' || cps[pos] >= '1' && cps[pos] <= '9' || cps[pos] == 'k') {
                throw unsupported("'\\" + Character.toString(cps[pos]) + "' inside a character class");
            }
            if (cps[pos] == '-') {
                pos++;
                return CodePointSet.of('-');
            }
            return escape(true);
        }
        return CodePointSet.of(c);
    }

    private boolean peek(int c) {
        return pos < cps.length && cps[pos] == c;
    }

    private InvalidRequestException invalid(String what) {
        return new InvalidRequestException("the JSON schema's pattern at " + path + " is not a valid regular"
                + " expression: it has " + what + "; fix the pattern " + quoted());
    }

    private InvalidRequestException unsupported(String what) {
        return new InvalidRequestException("the JSON schema's pattern at " + path + " cannot be enforced while"
                + " generating: " + what + " is not supported; rewrite the pattern " + quoted()
                + " without it (classes such as [a-zA-Z], groups, alternation and quantifiers are supported)");
    }

    private String quoted() {
        return "\"" + (pattern.length() > 120 ? pattern.substring(0, 117) + "..." : pattern) + "\"";
    }
}
