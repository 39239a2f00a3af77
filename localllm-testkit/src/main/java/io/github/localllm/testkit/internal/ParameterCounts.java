package io.github.localllm.testkit.internal;

import java.math.BigDecimal;

/** Parameter counts from the sizes listings show: "3.2B" is 3,200,000,000, "137M" 137,000,000. */
public final class ParameterCounts {
    private ParameterCounts() {
    }

    /** The count, or null when the size has another shape. */
    public static Long parse(String size) {
        if (size.length() < 2) {
            return null;
        }
        long scale = switch (Character.toUpperCase(size.charAt(size.length() - 1))) {
            case 'K' -> 1_000L;
            case 'M' -> 1_000_000L;
            case 'B' -> 1_000_000_000L;
            case 'T' -> 1_000_000_000_000L;
            default -> 0L;
        };
        if (scale == 0) {
            return null;
        }
        try {
            return new BigDecimal(size.substring(0, size.length() - 1)).multiply(BigDecimal.valueOf(scale)).longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
