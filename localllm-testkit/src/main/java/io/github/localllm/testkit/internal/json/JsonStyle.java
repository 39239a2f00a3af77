package io.github.localllm.testkit.internal.json;

/**
 * How one server's JSON encoder prints strings and floats. The same answer comes out as different
 * bytes from Go (Ollama), nlohmann::json (llama.cpp), Python (vLLM) and JavaScript (LM Studio);
 * a fake that claims to be one of them prints like it.
 */
public enum JsonStyle {
    /**
     * Go's encoding/json: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped as
     * <code>&#92;u003c</code>-style escapes (HTML-safe by default), {@code \b} and {@code \f} short (Go 1.22+);
     * floats as the shortest digits for their width (float32 or float64), without an exponent
     * unless below 1e-6 or from 1e21 on, exponent cleaned to {@code 1e-7}.
     */
    GO,
    /**
     * nlohmann::json's {@code dump()}: Grisu2's digits (see {@link Grisu2}), short escapes, other control characters as lowercase
     * <code>&#92;u00xx</code>; doubles without an exponent from 1e-4 up to 1e15, integral doubles with
     * {@code .0}, exponents with a sign and at least two digits ({@code 4.19e-05}).
     */
    NLOHMANN,
    /**
     * Python's {@code json.dumps(ensure_ascii=False)}: floats as {@code repr}, without an exponent
     * from 1e-4 up to 1e16, integral floats with {@code .0}, exponents like {@code 1e-05}.
     */
    PYTHON,
    /**
     * JavaScript's {@code JSON.stringify}: floats as {@code Number.prototype.toString}, without an
     * exponent from 1e-6 up to 1e21, integral values without a fraction, exponents like {@code 1e-7}.
     */
    ECMASCRIPT;

    void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(out, c);
                    } else if (this == GO && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')) {
                        unicodeEscape(out, c);
                    } else if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
                        loneSurrogate(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A float32 value on the wire (Go prints float32 with float32 digits; the others widen it). */
    void float32(StringBuilder out, float f) {
        if (!Float.isFinite(f)) {
            out.append("null");
            return;
        }
        if (this == GO) {
            float abs = Math.abs(f);
            go(out, f < 0 || (f == 0 && 1 / f < 0), ShortestDecimal.ofFloat(f), abs != 0 && (abs < 1e-6f || abs >= 1e21f));
            return;
        }
        float64(out, f);
    }

    void float64(StringBuilder out, double d) {
        if (!Double.isFinite(d)) {
            out.append("null");
            return;
        }
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        ShortestDecimal s = this == NLOHMANN && d != 0 ? Grisu2.of(Math.abs(d)) : ShortestDecimal.of(d);
        double abs = Math.abs(d);
        switch (this) {
            case GO -> go(out, negative, s, abs != 0 && (abs < 1e-6 || abs >= 1e21));
            case NLOHMANN -> nlohmann(out, negative, s);
            case PYTHON -> python(out, negative, s);
            case ECMASCRIPT -> ecmascript(out, negative && d != 0, s);
        }
    }

    private static void go(StringBuilder out, boolean negative, ShortestDecimal s, boolean exponent) {
        if (negative) {
            out.append('-');
        }
        if (!exponent) {
            out.append(s.plain());
            return;
        }
        int e = s.exponent();
        // strconv's 'e' format pads to two exponent digits; encoding/json then trims "e-07" to "e-7".
        out.append(s.mantissa()).append('e').append(e < 0 ? '-' : '+');
        int abs = Math.abs(e);
        out.append(abs < 10 && e > 0 ? "0" + abs : Integer.toString(abs));
    }

    private static void nlohmann(StringBuilder out, boolean negative, ShortestDecimal s) {
        if (negative) {
            out.append('-');
        }
        int n = s.point();
        if (n > -4 && n <= 15) {
            out.append(s.plain());
            if (s.isInteger()) {
                out.append(".0");
            }
            return;
        }
        exponentTwoDigits(out, s);
    }

    private static void python(StringBuilder out, boolean negative, ShortestDecimal s) {
        if (negative) {
            out.append('-');
        }
        int e = s.exponent();
        if (e >= -4 && e < 16) {
            out.append(s.plain());
            if (s.isInteger()) {
                out.append(".0");
            }
            return;
        }
        exponentTwoDigits(out, s);
    }

    private static void ecmascript(StringBuilder out, boolean negative, ShortestDecimal s) {
        if (negative) {
            out.append('-');
        }
        int n = s.point();
        if (n > -6 && n <= 21) {
            out.append(s.plain());
            return;
        }
        int e = s.exponent();
        out.append(s.mantissa()).append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }

    private static void exponentTwoDigits(StringBuilder out, ShortestDecimal s) {
        int e = s.exponent();
        int abs = Math.abs(e);
        out.append(s.mantissa()).append('e').append(e < 0 ? '-' : '+').append(abs < 10 ? "0" + abs : Integer.toString(abs));
    }

    private void loneSurrogate(StringBuilder out, char c) {
        // Go and nlohmann see invalid UTF-8 and write U+FFFD; V8 and CPython escape the code unit.
        if (this == GO || this == NLOHMANN) {
            out.append('\uFFFD');
        } else {
            unicodeEscape(out, c);
        }
    }

    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        out.append("0".repeat(4 - hex.length())).append(hex);
    }
}
