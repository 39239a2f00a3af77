package io.github.localllm.http;

import java.io.InputStream;

/**
 * The input of the one Jackson parser that reads a whole stream of JSON values, handed out one
 * segment (an NDJSON line, an event's data) at a time.
 *
 * <p>A parser per value costs several hundred bytes of parser state every time (see
 * StreamReaderBenchmark); one parser per stream costs that once. The parser asks for input only
 * when it has used what it holds, so what it asks for tells where it stands: asking for more while
 * a value is open means the value runs past its segment, which gets the end of the input (the
 * parser then reports the value cut off). Four spaces come first, for Jackson's encoding detection,
 * which reads four bytes when the parser is made: without them it would wait for the first segment,
 * and a short one would pull the next one in early.
 */
final class SegmentInput extends InputStream {
    /** Loads the next segment when the parser wants one between values. */
    @FunctionalInterface
    interface Source {
        /** @return false at the end of the stream */
        boolean next(SegmentInput input);
    }

    private static final byte[] PREAMBLE = {' ', ' ', ' ', ' '};

    private final Source source;
    private byte[] bytes = PREAMBLE;
    private int position;
    private int end = PREAMBLE.length;
    private boolean valueOpen;
    private long handedOut;
    private long segmentStart;
    private long segments;

    /** @param source loads segments on demand, or {@code null} when the caller loads each one itself */
    SegmentInput(Source source) {
        this.source = source;
    }

    /** Makes {@code bytes[start, start + length)} the segment the parser reads next. */
    void load(byte[] bytes, int start, int length) {
        this.bytes = bytes;
        this.position = start;
        this.end = start + length;
        this.segmentStart = handedOut;
        this.segments++;
    }

    /** While a value is open, the end of its segment is the end of the input. */
    void valueOpen(boolean open) {
        this.valueOpen = open;
    }

    /** @return how many segments were loaded */
    long segments() {
        return segments;
    }

    /** @return the parser's byte offset of the current segment's first byte */
    long segmentStart() {
        return segmentStart;
    }

    /**
     * Skips what the parser has not taken of the current segment.
     *
     * @return whether it was all JSON whitespace
     */
    boolean skipBlankRest() {
        boolean blank = true;
        for (int i = position; i < end && blank; i++) {
            byte b = bytes[i];
            blank = b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }
        handedOut += end - position;
        position = end;
        return blank;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position == end && (valueOpen || source == null || !source.next(this))) {
            return -1;
        }
        int n = Math.min(len, end - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        handedOut += n;
        return n;
    }

    @Override
    public void close() {
        // The reader that owns the parser closes the stream under it.
    }
}
