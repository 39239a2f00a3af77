package io.github.localllm.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Grammars for the decimal integers between two bounds, digit by digit, so that a model can only
 * write numbers in range (no leading zeros, no "-0"). Unbounded sides stop at
 * {@value #MAX_DIGITS} digits, so every value fits a {@code long}.
 */
final class IntegerRanges {
    static final int MAX_DIGITS = 18;

    private IntegerRanges() {
    }

    /**
     * @param min the least value, or {@code null} for none
     * @param max the greatest value, or {@code null} for none
     * @return the integers in range, written without sign for non-negatives; {@link Expr.Never} if none
     */
    static Expr between(Long min, Long max) {
        if (min != null && max != null && min > max) {
            return new Expr.Never("an integer of at least " + min + " but at most " + max);
        }
        List<Expr> options = new ArrayList<>();
        if (min == null || min < 0) {
            // Negative values: magnitudes from -min(max, -1) up to -min.
            long smallest = max == null || max >= 0 ? 1 : -max;
            Long largest = min == null ? null : -min;
            options.add(Expr.seq(Expr.lit("-"), nonNegative(smallest, largest)));
        }
        if (max == null || max >= 0) {
            options.add(nonNegative(min == null || min < 0 ? 0 : min, max));
        }
        return Expr.alt(options);
    }

    /** Integers from {@code a} (at least 0) to {@code b}, or without an upper bound if {@code b} is null. */
    private static Expr nonNegative(long a, Long b) {
        List<Expr> options = new ArrayList<>();
        int fromLength = Long.toString(a).length();
        int toLength = b == null ? fromLength : Long.toString(b).length();
        for (int length = fromLength; length <= toLength; length++) {
            long low = Math.max(a, length == 1 ? 0 : pow10(length - 1));
            long high = b != null && length == toLength ? b : pow10(length) - 1;
            options.add(sameLength(Long.toString(low), Long.toString(high)));
        }
        if (b == null && fromLength < MAX_DIGITS) {
            options.add(Expr.seq(Expr.chars(CodePointSet.range('1', '9')),
                    Expr.repeat(Expr.chars(JsonGrammar.DIGIT), fromLength, MAX_DIGITS - 1)));
        }
        return Expr.alt(options);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /** Digit strings of one length, from {@code lo} to {@code hi} inclusive, compared as numbers. */
    private static Expr sameLength(String lo, String hi) {
        if (lo.isEmpty()) {
            return Expr.EMPTY;
        }
        char l = lo.charAt(0);
        char h = hi.charAt(0);
        String loRest = lo.substring(1);
        String hiRest = hi.substring(1);
        if (l == h) {
            return Expr.seq(Expr.lit(String.valueOf(l)), sameLength(loRest, hiRest));
        }
        int restLength = loRest.length();
        boolean loFloor = loRest.chars().allMatch(c -> c == '0');
        boolean hiCeiling = hiRest.chars().allMatch(c -> c == '9');
        List<Expr> options = new ArrayList<>();
        char firstFull = loFloor ? l : (char) (l + 1);
        char lastFull = hiCeiling ? h : (char) (h - 1);
        if (!loFloor) {
            options.add(Expr.seq(Expr.lit(String.valueOf(l)), sameLength(loRest, "9".repeat(restLength))));
        }
        if (firstFull <= lastFull) {
            options.add(Expr.seq(Expr.chars(CodePointSet.range(firstFull, lastFull)),
                    Expr.repeat(Expr.chars(JsonGrammar.DIGIT), restLength, restLength)));
        }
        if (!hiCeiling) {
            options.add(Expr.seq(Expr.lit(String.valueOf(h)), sameLength("0".repeat(restLength), hiRest)));
        }
        return Expr.alt(options);
    }
}
