package io.github.localllm.http;

import java.time.Duration;

/**
 * How long and how far {@link StreamingBody#close()} reads on after the answer's final line before
 * it gives the connection up: what is left then is the end of the chunked body and perhaps a line
 * end, a few bytes already on their way, so a little patience keeps a kept-alive connection for
 * the next request; a server that sends more, or nothing, past the bound loses its connection.
 *
 * @param time the longest wait for the end of the body
 * @param bytes the most bytes read and dropped while waiting
 */
record EndDrain(Duration time, long bytes) {
    /** 100 ms and 64 KiB: far more than the few bytes a server sends after its final line. */
    static final EndDrain DEFAULT = new EndDrain(Duration.ofMillis(100), 64 * 1024);

    EndDrain {
        if (time.isNegative() || bytes < 0) {
            throw new IllegalArgumentException("the drain bound must not be negative, got " + time + " and " + bytes
                    + " bytes");
        }
    }
}
