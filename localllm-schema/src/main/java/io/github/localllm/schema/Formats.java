package io.github.localllm.schema;

/**
 * Grammars for the string formats a model is most often asked for. Dates are exact, down to the
 * length of each month and leap years, so no impossible date such as February 30 can be written.
 * Times accept a subset of what the format allows (no leap seconds, fractions of a second of three
 * digits, upper-case {@code T} and {@code Z}), so whatever the model writes also passes the
 * validator's format check.
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

    /** Every year with months of 31 and 30 days and a February of 28, and February 29 in leap years only. */
    private static Expr date() {
        Expr upTo28 = Expr.alt(Expr.seq(Expr.lit("0"), range('1', '9')), Expr.seq(Expr.lit("1"), digit()),
                Expr.seq(Expr.lit("2"), range('0', '8')));
        Expr upTo30 = Expr.alt(upTo28, Expr.lit("29"), Expr.lit("30"));
        Expr upTo31 = Expr.alt(upTo30, Expr.lit("31"));
        Expr longMonths = Expr.alt(Expr.seq(Expr.lit("0"), Expr.chars(CodePointSet.of("13578"))),
                Expr.seq(Expr.lit("1"), Expr.chars(CodePointSet.of("02"))));
        Expr shortMonths = Expr.alt(Expr.seq(Expr.lit("0"), Expr.chars(CodePointSet.of("469"))), Expr.lit("11"));
        Expr monthDay = Expr.alt(Expr.seq(longMonths, Expr.lit("-"), upTo31),
                Expr.seq(shortMonths, Expr.lit("-"), upTo30), Expr.seq(Expr.lit("02-"), upTo28));
        return Expr.alt(Expr.seq(digits(4), Expr.lit("-"), monthDay), Expr.seq(leapYear(), Expr.lit("-02-29")));
    }

    /** Years divisible by 4 but not by 100, or by 400: a number is divisible by 4 as its last two digits are. */
    private static Expr leapYear() {
        Expr even = Expr.chars(CodePointSet.of("02468"));
        Expr odd = Expr.chars(CodePointSet.of("13579"));
        Expr byFourNotZero = Expr.alt(Expr.seq(even, Expr.chars(CodePointSet.of("48"))),
                Expr.seq(odd, Expr.chars(CodePointSet.of("26"))),
                Expr.seq(Expr.chars(CodePointSet.of("2468")), Expr.lit("0")));
        Expr byFour = Expr.alt(Expr.seq(even, Expr.chars(CodePointSet.of("048"))),
                Expr.seq(odd, Expr.chars(CodePointSet.of("26"))));
        return Expr.alt(Expr.seq(digits(2), byFourNotZero), Expr.seq(byFour, Expr.lit("00")));
    }

    private static Expr range(char from, char to) {
        return Expr.chars(CodePointSet.range(from, to));
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
