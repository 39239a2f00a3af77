package io.github.localllm.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes expressions in the GBNF dialect that every llama.cpp build since b4916 parses the same
 * way: only the escapes backslash followed by x, u, U, t, r, n, backslash, quote and brackets;
 * every character outside printable ASCII escaped (so no engine's string encoding, such as JNI's
 * modified UTF-8, can alter it); {@code {m,n}} repetitions; and no token syntax.
 */
final class GbnfText {
    private GbnfText() {
    }

    static String render(Expr e) {
        if (e instanceof Expr.Lit) {
            return literal(((Expr.Lit) e).text());
        }
        if (e instanceof Expr.Chars) {
            return charClass(((Expr.Chars) e).set());
        }
        if (e instanceof Expr.Ref) {
            return ((Expr.Ref) e).rule();
        }
        if (e instanceof Expr.Seq) {
            List<Expr> parts = ((Expr.Seq) e).parts();
            if (parts.isEmpty()) {
                return "\"\"";
            }
            return parts.stream().map(p -> p instanceof Expr.Alt ? "(" + render(p) + ")" : render(p))
                    .collect(Collectors.joining(" "));
        }
        if (e instanceof Expr.Alt) {
            List<Expr> options = ((Expr.Alt) e).options();
            if (options.contains(Expr.EMPTY)) {
                List<Expr> rest = options.stream().filter(o -> !o.equals(Expr.EMPTY)).toList();
                return render(Expr.optional(Expr.alt(rest)));
            }
            return options.stream().map(GbnfText::render).collect(Collectors.joining(" | "));
        }
        if (e instanceof Expr.Repeat) {
            Expr.Repeat r = (Expr.Repeat) e;
            Expr item = r.item();
            boolean atomic = item instanceof Expr.Ref || item instanceof Expr.Chars
                    || item instanceof Expr.Lit && ((Expr.Lit) item).text().codePointCount(0,
                    ((Expr.Lit) item).text().length()) == 1;
            String body = atomic ? render(item) : "(" + render(item) + ")";
            return body + quantifier(r.min(), r.max());
        }
        throw new IllegalStateException("an impossible expression reached the grammar text: " + e);
    }

    private static String quantifier(int min, int max) {
        if (max == Expr.Repeat.UNBOUNDED) {
            return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        }
        if (min == 0 && max == 1) {
            return "?";
        }
        return min == max ? "{" + min + "}" : "{" + min + "," + max + "}";
    }

    static String literal(String text) {
        StringBuilder s = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(cp >= 0x20 && cp < 0x7f ? Character.toString(cp) : escape(cp));
            }
        });
        return s.append('"').toString();
    }

    private static String charClass(CodePointSet set) {
        CodePointSet negated = set.complement();
        if (negated.ranges() < set.ranges()) {
            return "[^" + ranges(negated) + "]";
        }
        return "[" + ranges(set) + "]";
    }

    private static String ranges(CodePointSet set) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < set.ranges(); i++) {
            s.append(classChar(set.from(i)));
            if (set.to(i) > set.from(i)) {
                if (set.to(i) > set.from(i) + 1) {
                    s.append('-');
                }
                s.append(classChar(set.to(i)));
            }
        }
        return s.toString();
    }

    private static String classChar(int cp) {
        boolean plain = cp >= '0' && cp <= '9' || cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z'
                || cp == ' ' || cp == '.' || cp == ',' || cp == ':' || cp == '_' || cp == '+' || cp == '@';
        return plain ? Character.toString(cp) : escape(cp);
    }

    private static String escape(int cp) {
        if (cp < 0x100) {
            return String.format("\\x%02X", cp);
        }
        return cp < 0x10000 ? String.format("\\u%04X", cp) : String.format("\\U%08X", cp);
    }
}
