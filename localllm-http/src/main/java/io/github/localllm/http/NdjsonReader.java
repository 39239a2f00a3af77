package io.github.localllm.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Reads newline-delimited JSON (Ollama's {@code application/x-ndjson} streams) one value at a time:
 * one JSON value per line, lines ended by LF or CR LF, blank lines skipped.
 *
 * <pre>{@code
 * try (NdjsonReader<ChatChunk> chunks = NdjsonReader.builder(ChatChunk.class)
 *         .until(ChatChunk::done).source(url).open(body)) {
 *     for (ChatChunk c = chunks.next(); c != null; c = chunks.next()) {
 *         handle(c);
 *     }
 * }
 * }</pre>
 *
 * <p>One Jackson parser reads the whole stream, fed one line at a time, and binds each value as
 * soon as its line is complete, without waiting for the next line: with databinding to a class, or
 * by hand with a {@link JsonBinder} ({@link #builder(JsonBinder)}), which may fill one object for
 * every line and costs the least per token. A line that is not exactly one
 * JSON value is a {@link MalformedStreamException} naming the line and showing a short excerpt
 * (a second value on a line shows when the next value is asked for); lines are bounded
 * ({@value #DEFAULT_MAX_LINE_BYTES} bytes by default). A last line without its line end is accepted
 * if it is a whole value and is a {@link TruncatedStreamException} otherwise, as is an input that
 * ends before the end value when the caller named one ({@link Builder#until}). Not thread-safe.
 *
 * @param <T> the type each line is bound to
 */
public final class NdjsonReader<T> implements Closeable {
    /** The default limit of a line: 16 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;

    private final LineScanner lines;
    private final SegmentInput input = new SegmentInput(this::nextLine);
    private final JsonParser parser;
    /** Databinding, or {@code null} when {@link #binder} binds. */
    private final MappingIterator<T> values;
    private final JsonBinder<? extends T> binder;
    private final Predicate<? super T> terminator;
    private final String source;
    private long count;
    private boolean finished;

    private NdjsonReader(InputStream in, Builder<T> builder) {
        this.lines = new LineScanner(Objects.requireNonNull(in, "in"), false, builder.maxLineBytes, builder.source);
        this.binder = builder.binder;
        if (binder != null) {
            // From the mapper, so that a binder can hand a member to databinding (readValueAs).
            this.parser = builder.mapper.createParser(input);
            this.values = null;
        } else {
            ObjectReader reader = builder.mapper.readerFor(builder.type);
            this.parser = reader.createParser(input);
            // An iterator binds value after value with one deserialization context; a call to readValue
            // per value would make a new one each time. It reads no further than the value it returns.
            this.values = reader.readValues(parser);
        }
        this.terminator = builder.terminator;
        this.source = builder.source;
    }

    /** @return a reader of {@code in} yielding JSON trees, with the default limits and no end value */
    public static NdjsonReader<JsonNode> open(InputStream in) {
        return builder(JsonNode.class).open(in);
    }

    /**
     * @param type what each line is bound to: a class or record of the fields wanted (Jackson binds a
     *     class with settable fields with less garbage than a record), or {@link JsonNode}
     * @param <T> that type
     * @return a builder of readers with the default limits, no end value and a mapper that ignores
     *     unknown properties (servers add fields)
     */
    public static <T> Builder<T> builder(Class<T> type) {
        return new Builder<>(Objects.requireNonNull(type, "type"), null);
    }

    /**
     * @param binder binds each line's value by hand from the parser (it may return one mutable
     *     object for every line: a value is then valid until the next call of {@link #next()})
     * @param <T> what it binds to
     * @return a builder of readers with the default limits, no end value and the default mapper,
     *     whose parser the binder gets
     */
    public static <T> Builder<T> builder(JsonBinder<T> binder) {
        return new Builder<>(null, Objects.requireNonNull(binder, "binder"));
    }

    /**
     * Reads the next value.
     *
     * @return the next line's value; {@code null} at a clean end of the input, or after the end value
     * @throws MalformedStreamException if a line is not one JSON value of the expected shape, or is
     *     too long
     * @throws TruncatedStreamException if the input stops inside a line, or before the end value
     * @throws io.github.localllm.LocalLlmException if reading the input fails
     */
    public T next() {
        if (finished) {
            return null;
        }
        long linesBefore = input.segments();
        T value;
        try {
            if (!hasNextValue()) {
                finished = true;
                if (terminator != null) {
                    throw new TruncatedStreamException(source + " ended after " + lines.lineNumber() + " lines without "
                            + "its final value (such as \"done\": true); the answer is incomplete: the server stopped or "
                            + "the connection was cut, retry the request");
                }
                return null;
            }
            // The parser found this value without asking for a new line: it shares the last one's.
            if (count > 0 && input.segments() == linesBefore) {
                finished = true;
                throw malformed("holds more than one JSON value", null);
            }
            input.valueOpen(true);
            value = nextValue();
        } catch (JacksonException e) {
            finished = true;
            if (lines.unterminated()) {
                throw new TruncatedStreamException(source + " ended in the middle of line " + lines.lineNumber()
                        + " (" + Text.excerpt(lines.buffer(), lines.start(), lines.length()) + "); the answer is "
                        + "incomplete: the server stopped or the connection was cut, retry the request");
            }
            throw malformed("is not one JSON value of the expected shape (" + Text.excerpt(e.getOriginalMessage(), 160)
                    + ")", e);
        } catch (RuntimeException e) {
            // Reading failed (a broken connection, a timeout): the stream is over.
            finished = true;
            throw e;
        } finally {
            input.valueOpen(false);
        }
        count++;
        if (value == null || value instanceof JsonNode node && node.isNull()) {
            finished = true;
            throw malformed("is JSON null, not a value", null);
        }
        if (terminator != null && terminator.test(value)) {
            finished = true;
            lines.answerComplete();
        }
        return value;
    }

    private boolean hasNextValue() {
        if (values != null) {
            return values.hasNextValue();
        }
        // The token after a value was cleared: this moves to the next value's first token, if any.
        return parser.currentToken() != null || parser.nextToken() != null;
    }

    private T nextValue() {
        if (values != null) {
            return values.nextValue();
        }
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            parser.clearCurrentToken();
            return null;
        }
        T value = binder.bind(parser);
        if (!parser.streamReadContext().inRoot()) {
            throw new IllegalStateException("the binder " + binder + " did not read the whole value of line "
                    + lines.lineNumber() + " of " + source);
        }
        parser.clearCurrentToken();
        return value;
    }

    private boolean nextLine(SegmentInput in) {
        while (lines.next()) {
            if (!isBlank(lines.buffer(), lines.start(), lines.length())) {
                // The line end goes too (CR or LF, whitespace to the parser): a number at the end of a
                // line is complete only once the parser sees what follows it.
                in.load(lines.buffer(), lines.start(), lines.length() + (lines.unterminated() ? 0 : 1));
                return true;
            }
        }
        return false;
    }

    private MalformedStreamException malformed(String what, Throwable cause) {
        long line = lines.lineNumber();
        return new MalformedStreamException("line " + line + " of " + source + " " + what + ": "
                + Text.excerpt(lines.buffer(), lines.start(), lines.length()) + "; the server sent something that is "
                + "not this protocol: check that the address points at the expected server and version", line, cause);
    }

    private static boolean isBlank(byte[] buffer, int start, int length) {
        for (int i = start; i < start + length; i++) {
            byte b = buffer[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
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
        try {
            parser.close();
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + source + " failed", e);
        }
    }

    /**
     * Settings of {@link NdjsonReader}s.
     *
     * @param <T> the type each line is bound to
     */
    public static final class Builder<T> {
        private final Class<T> type;
        private final JsonBinder<T> binder;
        private ObjectMapper mapper = Json.MAPPER;
        private Predicate<? super T> terminator;
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private String source = "the NDJSON stream";

        private Builder(Class<T> type, JsonBinder<T> binder) {
            this.type = type;
            this.binder = binder;
        }

        /**
         * @return this builder, binding lines with {@code mapper} instead of the default one (with a
         *     {@link JsonBinder}: making the parser the binder gets)
         */
        public Builder<T> mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Names the value that ends the stream, such as Ollama's {@code "done": true}. The reader
         * returns that value, then {@code null} without reading further; input that ends before it is
         * a {@link TruncatedStreamException}.
         *
         * @return this builder
         */
        public Builder<T> until(Predicate<? super T> endValue) {
            this.terminator = Objects.requireNonNull(endValue, "endValue");
            return this;
        }

        /** @return this builder, with the longest line accepted */
        public Builder<T> maxLineBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxLineBytes must be positive, got " + bytes);
            }
            this.maxLineBytes = bytes;
            return this;
        }

        /**
         * @param description what the stream is, for messages, such as the address it comes from
         * @return this builder
         */
        public Builder<T> source(String description) {
            this.source = Objects.requireNonNull(description, "description");
            return this;
        }

        /** @return a reader of {@code in}; closing the reader closes {@code in} */
        public NdjsonReader<T> open(InputStream in) {
            return new NdjsonReader<>(in, this);
        }
    }
}
