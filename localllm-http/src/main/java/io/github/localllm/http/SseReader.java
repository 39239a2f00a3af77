package io.github.localllm.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Reads a {@code text/event-stream} one event at a time, by the WHATWG EventSource parsing rules:
 * lines end with CR, LF or CR LF; a UTF-8 byte order mark may open the stream; lines starting with
 * {@code :} are comments (llama.cpp's keep-alive pings); a field without a colon has an empty value
 * and one space after the colon is dropped; {@code data:} fields are joined with {@code \n}; an
 * event is dispatched at a blank line, and only if it has data; {@code id:} sets the last event ID
 * unless its value holds NUL; {@code retry:} with only digits sets the reconnection time; other
 * fields are ignored.
 *
 * <p>Two ways to read: {@link #next()} returns each event as an {@link SseEvent}; or
 * {@link #advance()} moves to the next event and {@link #readData(Class)} binds its data as JSON
 * straight from the reader's buffer, without decoding it to a string first, which is what a
 * client streaming tokens wants:
 *
 * <pre>{@code
 * try (SseReader events = SseReader.builder().untilData(SseEvent.DONE).source(url).open(body)) {
 *     while (events.advance() && !events.isEnd()) {
 *         handle(events.readData(Chunk.class));
 *     }
 * }
 * }</pre>
 *
 * <p>A clean end and a cut-off stream are told apart: the stream ends ({@code next()} returns
 * {@code null}, {@code advance()} false) only at a clean end or after the end event, and a
 * {@link TruncatedStreamException} is thrown when the input stops inside a line or an event (which
 * the rules discard), or before the end event when the caller named one. Lines and events are
 * bounded ({@value #DEFAULT_MAX_BYTES} bytes by default), so a server that never ends a line cannot
 * exhaust memory. Not thread-safe: one reader belongs to one consumer.
 */
public final class SseReader implements Closeable {
    /** The default limit of a line and of an event's data: 16 MiB. */
    public static final int DEFAULT_MAX_BYTES = 16 << 20;

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    private static final String MESSAGE = "message";

    private final LineScanner lines;
    private final int maxEventBytes;
    private final String source;
    private final Predicate<? super SseEvent> endPredicate;
    private final byte[] endData;
    private final String endEvent;
    private final boolean endNamed;
    private final JsonSegments json;
    private byte[] data = new byte[512];
    private int dataLength;
    private String eventType;
    private String lastEventId = "";
    private long eventStartLine;
    private Duration retry;
    private boolean finished;
    /** The current event: its data is {@code data[0, currentLength)}, {@code -1} when there is none. */
    private int currentLength = -1;
    private String currentType;
    private String currentId;
    private String currentData;
    private SseEvent currentEvent;
    private long currentLine;
    private boolean currentIsEnd;

    private SseReader(InputStream in, Builder builder) {
        this.lines = new LineScanner(Objects.requireNonNull(in, "in"), true, builder.maxLineBytes, builder.source);
        this.maxEventBytes = builder.maxEventBytes;
        this.source = builder.source;
        this.endPredicate = builder.endPredicate;
        this.endData = builder.endData == null ? null : builder.endData.getBytes(StandardCharsets.UTF_8);
        this.endEvent = builder.endEvent;
        this.endNamed = endPredicate != null || endData != null || endEvent != null;
        this.json = new JsonSegments(builder.mapper);
    }

    /** @return a reader of {@code in} with the default limits and no end event: it ends with the input */
    public static SseReader open(InputStream in) {
        return builder().open(in);
    }

    /** @return a builder of readers with the default limits and no end event */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads up to the next event and returns it whole.
     *
     * @return the next event; {@code null} at a clean end of the stream, or after the end event
     * @throws TruncatedStreamException if the input stops inside a line or an event, or before the
     *     end event the reader was built to expect
     * @throws MalformedStreamException if a line or an event's data exceeds the limit
     * @throws io.github.localllm.LocalLlmException if reading the input fails
     */
    public SseEvent next() {
        if (!advance()) {
            return null;
        }
        if (currentEvent == null) {
            currentEvent = new SseEvent(currentType, data(), currentId);
        }
        return currentEvent;
    }

    /**
     * Reads up to the next event and makes it the current one, decoding none of its data.
     *
     * @return whether there is one; false at a clean end of the stream, or after the end event
     * @throws TruncatedStreamException if the input stops inside a line or an event, or before the
     *     end event the reader was built to expect
     * @throws MalformedStreamException if a line or an event's data exceeds the limit
     * @throws io.github.localllm.LocalLlmException if reading the input fails
     */
    public boolean advance() {
        clearCurrent();
        if (finished) {
            return false;
        }
        try {
            return read();
        } catch (RuntimeException e) {
            // Whatever failed (the input, a limit, a cut), the stream is over.
            finished = true;
            throw e;
        }
    }

    private boolean read() {
        while (lines.next()) {
            if (lines.unterminated()) {
                throw new TruncatedStreamException(source + " ended in the middle of line " + lines.lineNumber()
                        + " (" + Text.excerpt(lines.buffer(), lines.start(), lines.length()) + "); the answer is "
                        + "incomplete: the server stopped or the connection was cut, retry the request");
            }
            if (lines.length() > 0) {
                field(lines.buffer(), lines.start(), lines.length());
            } else if (dispatch()) {
                return true;
            }
        }
        finished = true;
        if (dataLength > 0 || eventType != null) {
            throw new TruncatedStreamException(source + " ended in the middle of the event begun on line "
                    + eventStartLine + ", before the blank line that completes it; the answer is incomplete: the "
                    + "server stopped or the connection was cut, retry the request");
        }
        if (endNamed) {
            throw new TruncatedStreamException(source + " ended after " + lines.lineNumber() + " lines without its "
                    + "end event (such as data: [DONE]); the answer is incomplete: the server stopped or the "
                    + "connection was cut, retry the request");
        }
        return false;
    }

    /** @return whether the current event is the end event the reader was built to expect */
    public boolean isEnd() {
        requireCurrent();
        return currentIsEnd;
    }

    /** @return the current event's type: its {@code event:} field, or {@code "message"} */
    public String event() {
        requireCurrent();
        return currentType;
    }

    /** @return the current event's data, decoded from UTF-8 (malformed bytes become U+FFFD) */
    public String data() {
        requireCurrent();
        if (currentData == null) {
            currentData = new String(data, 0, currentLength, StandardCharsets.UTF_8);
        }
        return currentData;
    }

    /** @return the last event ID seen up to the current event, {@code ""} before any */
    public String id() {
        requireCurrent();
        return currentId;
    }

    /**
     * Binds the current event's data as JSON with the builder's mapper. See {@link #readData(ObjectReader)}.
     *
     * @param type what the data is bound to, such as a class of the fields wanted or {@link
     *     tools.jackson.databind.JsonNode}
     * @param <T> that type
     * @return the bound data
     */
    public <T> T readData(Class<T> type) {
        Objects.requireNonNull(type, "type");
        requireJsonData();
        try {
            // The LF after the data goes too: see JsonSegments.
            return json.bind(type, data, currentLength + 1);
        } catch (JacksonException e) {
            throw notJson(e);
        } catch (JsonSegments.SegmentException e) {
            throw malformedData(e.getMessage(), null);
        }
    }

    /**
     * Binds the current event's data as JSON, straight from the reader's buffer: no string is decoded
     * for it, and one parser and one deserialization context serve the whole stream (a parser per
     * event allocates more than the event itself). Not for OpenAI's end event: {@code [DONE]} is not
     * JSON.
     *
     * @param reader what binds the data
     * @param <T> the type {@code reader} binds to
     * @return the bound data
     * @throws MalformedStreamException if the data is not exactly one JSON value of the expected shape
     * @throws IllegalStateException if there is no current event
     */
    public <T> T readData(ObjectReader reader) {
        Objects.requireNonNull(reader, "reader");
        requireJsonData();
        try {
            return json.bind(reader, data, currentLength + 1);
        } catch (JacksonException e) {
            throw notJson(e);
        } catch (JsonSegments.SegmentException e) {
            throw malformedData(e.getMessage(), null);
        }
    }

    /**
     * Binds the current event's data by hand with {@code binder}, straight from the reader's buffer
     * and with the one parser of the stream, made by the builder's mapper: the cheapest binding of
     * an event (see {@link JsonBinder}). As {@link #readData(ObjectReader)} otherwise.
     *
     * @param binder what binds the data; it gets the parser at the data's first token
     * @param <T> what it binds to
     * @return the bound data
     * @throws MalformedStreamException if the data is not exactly one JSON value of the expected shape
     * @throws IllegalStateException if there is no current event
     */
    public <T> T readData(JsonBinder<T> binder) {
        Objects.requireNonNull(binder, "binder");
        requireJsonData();
        try {
            return json.bind(binder, data, currentLength + 1);
        } catch (JacksonException e) {
            throw notJson(e);
        } catch (JsonSegments.SegmentException e) {
            throw malformedData(e.getMessage(), null);
        }
    }

    private void requireCurrent() {
        if (currentLength < 0) {
            throw new IllegalStateException("there is no current event: call advance() or next() first, and stop when "
                    + "they report the end");
        }
    }

    private void requireJsonData() {
        requireCurrent();
        for (int i = 0; i < currentLength; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
        }
        throw malformedData("is empty, not JSON", null);
    }

    private MalformedStreamException notJson(JacksonException e) {
        return malformedData("is not JSON of the expected shape (" + Text.excerpt(e.getOriginalMessage(), 160) + ")", e);
    }

    private MalformedStreamException malformedData(String what, Throwable cause) {
        return new MalformedStreamException("the data of the event on line " + currentLine + " of " + source + " "
                + what + ": " + Text.excerpt(data, 0, currentLength) + "; the server sent something that is not this "
                + "protocol: check that the address points at the expected server and version", currentLine, cause);
    }

    private void clearCurrent() {
        currentLength = -1;
        currentData = null;
        currentEvent = null;
        currentIsEnd = false;
    }

    private void field(byte[] line, int start, int length) {
        if (line[start] == ':') {
            return;
        }
        int colon = start;
        int end = start + length;
        while (colon < end && line[colon] != ':') {
            colon++;
        }
        int nameLength = colon - start;
        int value = colon == end ? end : colon + 1;
        if (value < end && line[value] == ' ') {
            value++;
        }
        if (is(line, start, nameLength, DATA)) {
            beginEvent();
            appendData(line, value, end - value);
        } else if (is(line, start, nameLength, EVENT)) {
            beginEvent();
            eventType = new String(line, value, end - value, StandardCharsets.UTF_8);
        } else if (is(line, start, nameLength, ID)) {
            if (indexOf(line, value, end, (byte) 0) < 0) {
                lastEventId = new String(line, value, end - value, StandardCharsets.UTF_8);
            }
        } else if (is(line, start, nameLength, RETRY)) {
            retry(line, value, end);
        }
    }

    private void beginEvent() {
        if (dataLength == 0 && eventType == null) {
            eventStartLine = lines.lineNumber();
        }
    }

    private void appendData(byte[] line, int from, int count) {
        int needed = dataLength + count + 1;
        if (needed - 1 > maxEventBytes) {
            throw new MalformedStreamException("the event begun on line " + eventStartLine + " of " + source
                    + " holds more than " + maxEventBytes + " bytes of data; the server sent something that is "
                    + "not this protocol, or an answer too large to stream", lines.lineNumber(), null);
        }
        if (needed > data.length) {
            byte[] bigger = new byte[(int) Math.min(Math.max((long) data.length * 2, needed), (long) maxEventBytes + 1)];
            System.arraycopy(data, 0, bigger, 0, dataLength);
            data = bigger;
        }
        System.arraycopy(line, from, data, dataLength, count);
        dataLength += count;
        data[dataLength++] = '\n';
    }

    /** At a blank line: makes the pending event the current one, if it has data. */
    private boolean dispatch() {
        if (dataLength == 0) {
            eventType = null;
            return false;
        }
        // The data buffer ends with the LF the last data field added; the event does not.
        currentLength = dataLength - 1;
        currentType = eventType == null || eventType.isEmpty() ? MESSAGE : eventType;
        currentId = lastEventId;
        currentLine = eventStartLine;
        dataLength = 0;
        eventType = null;
        currentIsEnd = endData != null && is(data, 0, currentLength, endData)
                || endEvent != null && endEvent.equals(currentType)
                || endPredicate != null && endPredicate.test(currentEvent = new SseEvent(currentType, data(), currentId));
        if (currentIsEnd) {
            finished = true;
            lines.answerComplete();
        }
        return true;
    }

    private void retry(byte[] line, int from, int end) {
        if (from == end || end - from > 18) {
            return;
        }
        long millis = 0;
        for (int i = from; i < end; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return;
            }
            millis = millis * 10 + (line[i] - '0');
        }
        retry = Duration.ofMillis(millis);
    }

    private static boolean is(byte[] bytes, int start, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] line, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** @return the reconnection time the last valid {@code retry:} field set, if any */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    /** @return the 1-based number of the last line read, 0 before the first */
    public long lineNumber() {
        return lines.lineNumber();
    }

    /**
     * Closes the input; for a stream from {@link HttpTransport} this aborts the exchange if the
     * answer has not ended, and keeps its connection for the next request if the end value was read.
     */
    @Override
    public void close() {
        finished = true;
        clearCurrent();
        try {
            json.close();
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + source + " failed", e);
        }
    }

    /** Settings of {@link SseReader}s. */
    public static final class Builder {
        private Predicate<? super SseEvent> endPredicate;
        private String endData;
        private String endEvent;
        private int maxLineBytes = DEFAULT_MAX_BYTES;
        private int maxEventBytes = DEFAULT_MAX_BYTES;
        private String source = "the event stream";
        private ObjectMapper mapper = Json.MAPPER;

        private Builder() {
        }

        /**
         * Names the event that ends the stream by its data: {@link SseEvent#DONE} for OpenAI's
         * {@code data: [DONE]}. The reader returns that event, then reads no further; input that
         * ends before it is a {@link TruncatedStreamException}. Checked on the raw bytes.
         *
         * @return this builder
         */
        public Builder untilData(String data) {
            this.endData = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Names the event that ends the stream by its type, such as LM Studio's {@code chat.end}; as
         * {@link #untilData}.
         *
         * @return this builder
         */
        public Builder untilEvent(String type) {
            this.endEvent = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * Names the event that ends the stream by a test of the whole event; as {@link #untilData},
         * but each event's data is decoded to a string to be tested.
         *
         * @return this builder
         */
        public Builder until(Predicate<? super SseEvent> endEvent) {
            this.endPredicate = Objects.requireNonNull(endEvent, "endEvent");
            return this;
        }

        /** @return this builder, with the longest line accepted */
        public Builder maxLineBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxLineBytes must be positive, got " + bytes);
            }
            this.maxLineBytes = bytes;
            return this;
        }

        /** @return this builder, with the most data one event may hold */
        public Builder maxEventBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxEventBytes must be positive, got " + bytes);
            }
            this.maxEventBytes = bytes;
            return this;
        }

        /**
         * @param description what the stream is, for messages, such as the address it comes from
         * @return this builder
         */
        public Builder source(String description) {
            this.source = Objects.requireNonNull(description, "description");
            return this;
        }

        /** @return this builder, binding {@link SseReader#readData(Class)} with {@code mapper} */
        public Builder mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** @return a reader of {@code in}; closing the reader closes {@code in} */
        public SseReader open(InputStream in) {
            return new SseReader(in, this);
        }
    }
}
