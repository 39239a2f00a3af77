package io.github.localllm.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that goes wrong on command. Set one on a server for every request, for one path, or
 * for the next few requests ({@link FakeServer#inject(Fault)}, {@link FakeServer#inject(String, Fault)},
 * {@link FakeServer#injectNext(int, Fault)}); several faults can be active for one request.
 *
 * <p>Chunks are what a streamed answer is made of: an NDJSON line (Ollama), an SSE event (OpenAI,
 * LM Studio; {@code data: [DONE]} counts as one), counted from 1. An answer that is not streamed is
 * one body: stream faults then act on its bytes (a truncated or stalled body stops after half of
 * them, a malformed one is cut in half).
 */
public sealed interface Fault {

    /** Waits before the status line and headers, as a server busy loading a model does. */
    static Fault slowFirstByte(Duration delay) {
        return new SlowFirstByte(delay);
    }

    /** Waits after the given number of chunks, then goes on normally. */
    static Fault stallAfter(int chunks, Duration delay) {
        return new StallAfter(chunks, delay);
    }

    /**
     * Closes the connection after the given number of chunks, without the final line or
     * {@code [DONE]} and without the chunked encoding's terminating empty chunk.
     */
    static Fault truncateAfter(int chunks) {
        return new TruncateAfter(chunks);
    }

    /** Sends the given chunk (from 1) with its JSON cut in half, then goes on normally. */
    static Fault malformedChunk(int chunk) {
        return new MalformedChunk(chunk);
    }

    /**
     * Ends a streamed answer after the given number of chunks with the server's own mid-stream
     * error (the HTTP status stays 200): Ollama's {@code {"error":"..."}} line, an SSE
     * {@code data: {"error":{...}}} event, LM Studio's {@code event: error}.
     */
    static Fault errorAfter(int chunks) {
        return new ErrorAfter(chunks);
    }

    /** Adds an unknown member to every object the server writes, to test forward compatibility. */
    static Fault unknownFields() {
        return new UnknownFields();
    }

    /** Answers with the server's own 404 for the requested model, as if it were not installed. */
    static Fault modelNotFound() {
        return new ModelNotFound();
    }

    /** Answers with this status (e.g. 429, 500, 503) and the server's error body. */
    static Fault httpStatus(int status) {
        return new HttpStatus(status, Optional.empty());
    }

    /** Answers with this status and a {@code Retry-After} header in whole seconds (rounded up). */
    static Fault httpStatus(int status, Duration retryAfter) {
        return new HttpStatus(status, Optional.of(retryAfter));
    }

    /** Closes the connection without sending a single byte of a response. */
    static Fault resetConnection() {
        return new ResetConnection();
    }

    /** {@link FakeRangeServer} only: answers a range request with 200 and the whole body. */
    static Fault ignoreRange() {
        return new IgnoreRange();
    }

    /**
     * {@link FakeRangeServer} (and so {@link FakeHub}'s CDN) only: sends a file's bytes with the byte in
     * the middle of the answer changed, status and headers unchanged, as a broken proxy or disk would.
     */
    static Fault corruptBytes() {
        return new CorruptBytes();
    }

    /**
     * Sends a body no faster than {@code bytesPerSecond}, in pieces about a fiftieth of a second
     * apart, as a server or CDN that limits each connection does.
     */
    static Fault throttle(long bytesPerSecond) {
        return new Throttle(bytesPerSecond);
    }

    /**
     * See {@link Fault#slowFirstByte(Duration)}.
     *
     * @param delay how long to wait
     */
    record SlowFirstByte(Duration delay) implements Fault {
        /** Rejects negative delays. */
        public SlowFirstByte {
            requireNonNegative(delay);
        }
    }

    /**
     * See {@link Fault#stallAfter(int, Duration)}.
     *
     * @param chunks chunks sent before the stall
     * @param delay how long to stall
     */
    record StallAfter(int chunks, Duration delay) implements Fault {
        /** Rejects negative counts and delays. */
        public StallAfter {
            requireCount(chunks);
            requireNonNegative(delay);
        }
    }

    /**
     * See {@link Fault#truncateAfter(int)}.
     *
     * @param chunks chunks sent before the connection closes
     */
    record TruncateAfter(int chunks) implements Fault {
        /** Rejects negative counts. */
        public TruncateAfter {
            requireCount(chunks);
        }
    }

    /**
     * See {@link Fault#malformedChunk(int)}.
     *
     * @param chunk the chunk to break, from 1
     */
    record MalformedChunk(int chunk) implements Fault {
        /** Rejects chunk numbers below 1. */
        public MalformedChunk {
            if (chunk < 1) {
                throw new IllegalArgumentException("chunks are counted from 1: " + chunk);
            }
        }
    }

    /**
     * See {@link Fault#errorAfter(int)}.
     *
     * @param chunks chunks sent before the error
     */
    record ErrorAfter(int chunks) implements Fault {
        /** Rejects negative counts. */
        public ErrorAfter {
            requireCount(chunks);
        }
    }

    /** See {@link Fault#unknownFields()}. */
    record UnknownFields() implements Fault {
    }

    /** See {@link Fault#modelNotFound()}. */
    record ModelNotFound() implements Fault {
    }

    /**
     * See {@link Fault#httpStatus(int, Duration)}.
     *
     * @param status the HTTP status, 400 to 599
     * @param retryAfter the {@code Retry-After} to send, if any
     */
    record HttpStatus(int status, Optional<Duration> retryAfter) implements Fault {
        /** Rejects statuses that are not errors. */
        public HttpStatus {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an error status is 400 to 599: " + status);
            }
            Objects.requireNonNull(retryAfter, "retryAfter");
            retryAfter.ifPresent(Fault::requireNonNegative);
        }

        /** The header value: whole seconds, rounded up. */
        public Optional<String> retryAfterHeader() {
            return retryAfter.map(d -> Long.toString(d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0)));
        }
    }

    /** See {@link Fault#resetConnection()}. */
    record ResetConnection() implements Fault {
    }

    /** See {@link Fault#ignoreRange()}. */
    record IgnoreRange() implements Fault {
    }

    /** See {@link Fault#corruptBytes()}. */
    record CorruptBytes() implements Fault {
    }

    /**
     * See {@link Fault#throttle(long)}.
     *
     * @param bytesPerSecond the most bytes sent per second
     */
    record Throttle(long bytesPerSecond) implements Fault {
        /** Rejects rates below one byte per second. */
        public Throttle {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("a rate is at least one byte per second: " + bytesPerSecond);
            }
        }
    }

    private static void requireNonNegative(Duration d) {
        Objects.requireNonNull(d, "delay");
        if (d.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + d);
        }
    }

    private static void requireCount(int chunks) {
        if (chunks < 0) {
            throw new IllegalArgumentException("a chunk count cannot be negative: " + chunks);
        }
    }
}
