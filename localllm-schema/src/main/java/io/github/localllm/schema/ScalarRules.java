package io.github.localllm.schema;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The grammars of strings and numbers: lengths, patterns and formats; integer bounds digit by
 * digit; and number bounds where they are whole and not negative (others are left to the
 * validator, as the grammar cannot compare fractions).
 */
final class ScalarRules {
    /** Formats with a grammar; the validator checks the others. */
    static final Set<String> FORMATS = Set.of("date", "time", "date-time", "uuid", "ipv4");
    private static final long MAX_BOUND = 1_000_000_000_000_000_000L;

    private final SchemaConverter converter;

    ScalarRules(SchemaConverter converter) {
        this.converter = converter;
    }

    Expr string(JsonNode schema, String path) {
        String pattern = schema.has("pattern") ? schema.get("pattern").asString() : null;
        String format = schema.has("format") ? schema.get("format").asString() : null;
        Integer min = converter.countKeyword(schema, "minLength", path);
        Integer max = converter.countKeyword(schema, "maxLength", path);
        Expr content;
        if (pattern != null || format != null && FORMATS.contains(format)) {
            if (pattern != null) {
                RegexConverter.Result regex = RegexConverter.convert(pattern, path + ".pattern");
                content = regex.expr();
                if (!regex.exact()) {
                    converter.checkedAfter(path + ".pattern");
                }
                if (format != null) {
                    converter.checkedAfter(path + ".format");
                }
            } else {
                content = Expr.ref(converter.addRule(format, Formats.of(format), "format " + format));
            }
            if (min != null && min > 0 || max != null) {
                converter.checkedAfter(path + (max != null ? ".maxLength" : ".minLength"));
            }
        } else {
            if (format != null) {
                converter.checkedAfter(path + ".format");
            }
            int least = min == null ? 0 : min;
            int most = max == null ? Expr.Repeat.UNBOUNDED : max;
            if (max != null && max < least) {
                return new Expr.Never("a string at " + path + " of minLength " + least + " and maxLength " + max);
            }
            if (least == 0 && most == Expr.Repeat.UNBOUNDED) {
                return Expr.ref("string");
            }
            content = Expr.repeat(JsonGrammar.CHAR, least, most);
        }
        Expr body = Expr.seq(JsonGrammar.QUOTE, content, JsonGrammar.QUOTE, JsonGrammar.SPACE);
        return body instanceof Expr.Never ? new Expr.Never("the pattern at " + path + " matches no string")
                : Expr.ref(converter.addRule(SchemaConverter.hint(path) + "-string", body, path));
    }

    Expr integer(JsonNode schema, String path) {
        Bounds b = Bounds.of(schema);
        if (schema.has("multipleOf") && schema.get("multipleOf").decimalValue().compareTo(BigDecimal.ONE) == 0) {
            converter.uncheck(path + ".multipleOf");
        }
        Long min = null;
        Long max = null;
        if (b.min() != null) {
            BigDecimal m = b.minExclusive() ? b.min().setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE)
                    : b.min().setScale(0, RoundingMode.CEILING);
            min = fits(m, path + ".minimum");
        }
        if (b.max() != null) {
            BigDecimal m = b.maxExclusive() ? b.max().setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE)
                    : b.max().setScale(0, RoundingMode.FLOOR);
            max = fits(m, path + ".maximum");
        }
        if (min == null && max == null) {
            return Expr.ref("integer");
        }
        Expr digits = IntegerRanges.between(min, max);
        if (digits instanceof Expr.Never) {
            return new Expr.Never("no integer at " + path + " is within its bounds");
        }
        return Expr.ref(converter.addRule(SchemaConverter.hint(path) + "-int", Expr.seq(digits, JsonGrammar.SPACE), path));
    }

    private Long fits(BigDecimal bound, String where) {
        if (bound.abs().compareTo(BigDecimal.valueOf(MAX_BOUND)) >= 0) {
            converter.checkedAfter(where);
            return null;
        }
        return bound.longValueExact();
    }

    Expr number(JsonNode schema, String path) {
        Bounds b = Bounds.of(schema);
        if (b.min() == null && b.max() == null) {
            return Expr.ref("number");
        }
        if (b.min() != null && b.max() != null && (b.min().compareTo(b.max()) > 0
                || b.min().compareTo(b.max()) == 0 && (b.minExclusive() || b.maxExclusive()))) {
            return new Expr.Never("no number at " + path + " is within its bounds");
        }
        Long min = wholeAndSmall(b.min());
        Long max = wholeAndSmall(b.max());
        boolean exact = (b.min() == null || min != null && min >= 0) && (b.max() == null || max != null && max >= 0);
        Expr fraction = Expr.optional(Expr.ref("fraction"));
        List<Expr> options = new ArrayList<>();
        if (!exact) {
            converter.checkedAfter(path + (b.min() != null ? ".minimum" : ".maximum"));
            boolean nonNegative = b.min() != null && b.min().signum() >= 0;
            if (!nonNegative) {
                return Expr.ref("number");
            }
            options.add(Expr.seq(Expr.ref("integral"), fraction));
        } else {
            if (b.min() == null) {
                options.add(Expr.seq(Expr.lit("-"), Expr.ref("integral"), fraction));
            }
            long lowest = b.min() == null ? 0 : b.minExclusive() ? min + 1 : min;
            Long highest = max == null ? null : max - 1;
            if (highest == null || lowest <= highest) {
                options.add(Expr.seq(IntegerRanges.between(lowest, highest), fraction));
            }
            if (b.minExclusive() && (max == null || min < max)) {
                options.add(Expr.seq(Expr.lit(Long.toString(min)), Expr.lit("."),
                        Expr.repeat(Expr.chars(JsonGrammar.DIGIT), 0, 15), Expr.chars(CodePointSet.range('1', '9'))));
            }
            if (max != null && !b.maxExclusive() && (min == null || max > min || !b.minExclusive())) {
                options.add(Expr.seq(Expr.lit(Long.toString(max)),
                        Expr.optional(Expr.seq(Expr.lit("."), Expr.repeat(Expr.lit("0"), 1, 16)))));
            }
        }
        return Expr.ref(converter.addRule(SchemaConverter.hint(path) + "-number", Expr.seq(Expr.alt(options), JsonGrammar.SPACE), path));
    }

    private static Long wholeAndSmall(BigDecimal bound) {
        if (bound == null || bound.abs().compareTo(BigDecimal.valueOf(MAX_BOUND)) >= 0
                || bound.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return bound.longValueExact();
    }

    /** Numeric bounds in one form, whichever draft wrote them. */
    record Bounds(BigDecimal min, boolean minExclusive, BigDecimal max, boolean maxExclusive) {
        static Bounds of(JsonNode s) {
            BigDecimal min = null;
            boolean minEx = false;
            BigDecimal max = null;
            boolean maxEx = false;
            if (s.has("minimum")) {
                min = s.get("minimum").decimalValue();
            }
            if (s.has("maximum")) {
                max = s.get("maximum").decimalValue();
            }
            JsonNode exMin = s.get("exclusiveMinimum");
            if (exMin != null && exMin.isBoolean()) {
                minEx = exMin.booleanValue() && min != null;
            } else if (exMin != null && (min == null || exMin.decimalValue().compareTo(min) >= 0)) {
                min = exMin.decimalValue();
                minEx = true;
            }
            JsonNode exMax = s.get("exclusiveMaximum");
            if (exMax != null && exMax.isBoolean()) {
                maxEx = exMax.booleanValue() && max != null;
            } else if (exMax != null && (max == null || exMax.decimalValue().compareTo(max) <= 0)) {
                max = exMax.decimalValue();
                maxEx = true;
            }
            return new Bounds(min, minEx, max, maxEx);
        }
    }
}
