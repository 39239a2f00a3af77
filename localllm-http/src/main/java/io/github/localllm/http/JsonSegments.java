package io.github.localllm.http;

import java.io.OutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Binds one JSON value from each of a series of byte segments (the data of successive events) with
 * one parser and one deserialization context for them all. A parser and a context per value cost
 * several hundred bytes each time (see StreamReaderBenchmark); these cost that once per stream.
 */
final class JsonSegments implements AutoCloseable {
    /** The segment did not hold exactly one value; the message says what it held. */
    static final class SegmentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SegmentException(String what) {
            super(what, null, false, false);
        }
    }

    private final ObjectMapper mapper;
    private final TrailingBytes trailing = new TrailingBytes();
    private SegmentInput input;
    private JsonParser parser;
    private Object boundWith;
    private MappingIterator<?> values;

    JsonSegments(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Binds {@code bytes[0, length)}, which must not be blank, to {@code type} with the mapper. The
     * segment must end with whitespace (an event's data with its last LF): a number is complete only
     * when the parser sees what follows it, and the end of the input would end the parser.
     */
    <T> T bind(Class<T> type, byte[] bytes, int length) {
        start();
        if (values == null || boundWith != type) {
            values = mapper.readerFor(type).readValues(parser);
            boundWith = type;
        }
        return bind(bytes, length);
    }

    /** Binds {@code bytes[0, length)}, which must not be blank, with {@code reader}. */
    <T> T bind(ObjectReader reader, byte[] bytes, int length) {
        start();
        if (values == null || boundWith != reader) {
            values = reader.readValues(parser);
            boundWith = reader;
        }
        return bind(bytes, length);
    }

    /** Binds {@code bytes[0, length)}, which must not be blank, by hand with {@code binder}. */
    <T> T bind(JsonBinder<T> binder, byte[] bytes, int length) {
        start();
        input.load(bytes, 0, length);
        boolean done = false;
        try {
            JsonToken first = parser.currentToken() != null ? parser.currentToken() : parser.nextToken();
            if (first == null) {
                throw new SegmentException("holds no JSON value");
            }
            input.valueOpen(true);
            if (first == JsonToken.VALUE_NULL) {
                throw new SegmentException("is JSON null, not a value");
            }
            T value = binder.bind(parser);
            if (!parser.streamReadContext().inRoot()) {
                throw new IllegalStateException("the binder " + binder + " did not read the whole value");
            }
            parser.clearCurrentToken();
            requireBlankRest();
            done = true;
            return value;
        } finally {
            input.valueOpen(false);
            if (!done) {
                parser = null;
            }
        }
    }

    private void start() {
        if (parser == null) {
            input = new SegmentInput(null);
            parser = mapper.createParser(input);
            values = null;
        }
    }

    /**
     * @throws JacksonException if the segment is not JSON of the expected shape
     * @throws SegmentException if there is no value, or something other than whitespace follows it
     */
    private <T> T bind(byte[] bytes, int length) {
        @SuppressWarnings("unchecked")
        MappingIterator<T> iterator = (MappingIterator<T>) values;
        input.load(bytes, 0, length);
        boolean done = false;
        try {
            if (!iterator.hasNextValue()) {
                throw new SegmentException("holds no JSON value");
            }
            input.valueOpen(true);
            T value = iterator.nextValue();
            requireBlankRest();
            done = true;
            return value;
        } finally {
            input.valueOpen(false);
            if (!done) {
                // A parser cannot go on after an error: the next segment gets a new one.
                parser = null;
            }
        }
    }

    /**
     * What the parser holds past the value, and what it has not taken yet, is the rest of the
     * segment: it may only be blank.
     */
    private void requireBlankRest() {
        trailing.found = false;
        parser.releaseBuffered(trailing);
        if (trailing.found || !input.skipBlankRest()) {
            throw new SegmentException("holds more than one JSON value");
        }
    }

    @Override
    public void close() {
        if (parser != null) {
            parser.close();
            parser = null;
        }
    }

    /** Takes what a parser releases and notes whether any of it is not JSON whitespace. */
    private static final class TrailingBytes extends OutputStream {
        private boolean found;

        @Override
        public void write(int b) {
            found |= b != ' ' && b != '\n' && b != '\r' && b != '\t';
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len && !found; i++) {
                write(b[i]);
            }
        }
    }
}
