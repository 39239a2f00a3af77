package io.github.localllm.testkit.internal.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The fewest significant decimal digits that read back as the same binary value, as Go, V8,
 * CPython and nlohmann::json all print floats; only the layout around the digits differs between
 * them (see {@link JsonStyle}). Computed by rounding the exact binary value to 1, 2, ... digits,
 * which also picks the closest candidate when several are as short. JDK 17's own
 * {@code Double.toString} is not always the shortest, hence this.
 *
 * @param digits the significant digits without leading or trailing zeros ("0" for zero)
 * @param point where the decimal point goes: value = 0.digits × 10^point
 */
record ShortestDecimal(String digits, int point) {

    static ShortestDecimal of(double value) {
        return of(new BigDecimal(Math.abs(value)), 17, r -> r.doubleValue() == Math.abs(value));
    }

    static ShortestDecimal ofFloat(float value) {
        return of(new BigDecimal(Math.abs(value)), 9, r -> r.floatValue() == Math.abs(value));
    }

    private static ShortestDecimal of(BigDecimal exact, int maxDigits, java.util.function.Predicate<BigDecimal> same) {
        if (exact.signum() == 0) {
            return new ShortestDecimal("0", 1);
        }
        BigDecimal rounded = exact;
        for (int precision = 1; precision <= maxDigits; precision++) {
            rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (same.test(rounded)) {
                break;
            }
        }
        BigDecimal stripped = rounded.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        return new ShortestDecimal(digits, digits.length() - stripped.scale());
    }

    /** Digits laid out without an exponent: {@code 0.000123}, {@code 12.5}, {@code 1200}. */
    String plain() {
        int k = digits.length();
        if (point <= 0) {
            return "0." + "0".repeat(-point) + digits;
        }
        if (point >= k) {
            return digits + "0".repeat(point - k);
        }
        return digits.substring(0, point) + "." + digits.substring(point);
    }

    /** Digits as {@code d.ddd} for an exponent layout. */
    String mantissa() {
        return digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    }

    /** The decimal exponent of the first digit. */
    int exponent() {
        return point - 1;
    }

    boolean isInteger() {
        return point >= digits.length();
    }
}
