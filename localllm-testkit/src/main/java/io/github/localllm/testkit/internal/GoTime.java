package io.github.localllm.testkit.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Timestamps as Go's {@code time.Time} marshals them in UTC: RFC 3339 with up to nine fraction digits, trailing zeros cut. */
public final class GoTime {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private GoTime() {
    }

    public static String format(Instant t) {
        StringBuilder sb = new StringBuilder(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos).replaceFirst("0+$", "");
            sb.append('.').append(fraction);
        }
        return sb.append('Z').toString();
    }
}
