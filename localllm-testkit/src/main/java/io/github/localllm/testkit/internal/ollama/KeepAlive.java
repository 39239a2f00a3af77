package io.github.localllm.testkit.internal.ollama;

import io.github.localllm.testkit.internal.json.JsonNumber;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ollama's {@code keep_alive}: a JSON number of <em>seconds</em>, or a Go duration string such as
 * {@code "5m"} or {@code "-1m"}; negative keeps the model loaded forever, zero unloads it
 * (shared/protocols/ollama/FIELDS.md §3).
 */
final class KeepAlive {
    static final Duration DEFAULT = Duration.ofMinutes(5);
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private KeepAlive() {
    }

    /** The requested keep-alive, empty when absent or unreadable (the server then uses its default). */
    static Optional<Duration> parse(Object value) {
        if (value instanceof JsonNumber n) {
            BigDecimal seconds = new BigDecimal(n.lexeme());
            return Optional.of(Duration.ofNanos(seconds.movePointRight(9).longValue()));
        }
        if (value instanceof String s) {
            return goDuration(s);
        }
        return Optional.empty();
    }

    private static Optional<Duration> goDuration(String s) {
        String text = s;
        boolean negative = text.startsWith("-");
        if (negative || text.startsWith("+")) {
            text = text.substring(1);
        }
        if (text.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            return Optional.empty();
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return Optional.of(negative ? d.negated() : d);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }
}
