package io.github.localllm.schema;

/**
 * Grammars for the string formats a model is most often asked for. Each accepts a subset of what
 * the format allows (no leap seconds, three-digit fractions of a second), so whatever the model
 * writes also passes the validator's format check, which still catches an impossible date such as
 * February 30.
 */
final class Formats {
    private Formats() {
    }

    static Expr of(String format) {
        return switch (format) {
            case "date" -> date();
            case "time" -> time();
            case "date-time" -> Expr.seq(date(), Expr.lit("T"), time());
            case "uuid" -> Expr.seq(hex(8), Expr.lit("-"), hex(4), Expr.lit("-"), hex(4), Expr.lit("-"), hex(4),
                    Expr.lit("-"), hex(12));
            case "ipv4" -> {
                Expr octet = IntegerRanges.between(0L, 255L);
                yield Expr.seq(octet, Expr.lit("."), octet, Expr.lit("."), octet, Expr.lit("."), octet);
            }
            default -> throw new IllegalArgumentException("no grammar for format " + format);
        };
    }

    private static Expr date() {
        return Expr.seq(digits(4), Expr.lit("-"),
                Expr.alt(Expr.seq(Expr.lit("0"), Expr.chars(CodePointSet.range('1', '9'))),
                        Expr.seq(Expr.lit("1"), Expr.chars(CodePointSet.range('0', '2')))),
                Expr.lit("-"),
                Expr.alt(Expr.seq(Expr.lit("0"), Expr.chars(CodePointSet.range('1', '9'))),
                        Expr.seq(Expr.chars(CodePointSet.range('1', '2')), digit()),
                        Expr.seq(Expr.lit("3"), Expr.chars(CodePointSet.range('0', '1')))));
    }

    private static Expr time() {
        Expr hour = Expr.alt(Expr.seq(Expr.chars(CodePointSet.range('0', '1')), digit()),
                Expr.seq(Expr.lit("2"), Expr.chars(CodePointSet.range('0', '3'))));
        Expr sixty = Expr.seq(Expr.chars(CodePointSet.range('0', '5')), digit());
        Expr offset = Expr.alt(Expr.lit("Z"), Expr.seq(Expr.chars(CodePointSet.of("+-")), hour, Expr.lit(":"), sixty));
        return Expr.seq(hour, Expr.lit(":"), sixty, Expr.lit(":"), sixty,
                Expr.optional(Expr.seq(Expr.lit("."), digits(3))), offset);
    }

    private static Expr digit() {
        return Expr.chars(JsonGrammar.DIGIT);
    }

    private static Expr digits(int n) {
        return Expr.repeat(digit(), n, n);
    }

    private static Expr hex(int n) {
        return Expr.repeat(Expr.chars(JsonGrammar.HEX), n, n);
    }
}
